import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { openDatabase, type Database } from "../database";
import { startEmbeddedPostgres, type PGlite } from "../embedded-postgres";
import { SUBGRAPHS } from "../../../../supergraph";
import { migrationsDir, REPO_ROOT } from "../layout";
import { applyMigrations, readMigrations } from "../migrations";
import { applySharedTables } from "../shared-tables";

/**
 * `pnpm migrate`: applies every subgraph's migrations
 * (subgraphs/<subgraph>/prisma/migrations), then the event tables every
 * subgraph shares (prisma/event-tables), to the database that subgraph is
 * configured for: <SUBGRAPH>_DATABASE_URL
 * (PostgreSQL) when set, otherwise its schema in the embedded PGlite under
 * <DATA_DIR>/pglite, the same instance `pnpm dev` opens. The subgraphs also
 * apply their migrations at start; this is for doing it ahead of time (deploys,
 * a database restored from backup, checking that a new migration applies).
 */

type Env = Record<string, string | undefined>;

/**
 * The subgraphs of the list in supergraph.ts; with `subgraphsRoot` (tests),
 * the folders there holding a prisma/schema.prisma and a prisma/migrations/.
 */
export function discoverSubgraphs(subgraphsRoot?: string): string[] {
  if (!subgraphsRoot) return SUBGRAPHS.map((entry) => entry.name);
  if (!existsSync(subgraphsRoot)) throw new Error(`subgraphs folder missing: ${subgraphsRoot}`);
  return readdirSync(subgraphsRoot, { withFileTypes: true })
    .filter(
      (entry) =>
        entry.isDirectory() &&
        existsSync(path.join(subgraphsRoot, entry.name, "prisma", "schema.prisma")) &&
        existsSync(path.join(subgraphsRoot, entry.name, "prisma", "migrations")),
    )
    .map((entry) => entry.name)
    .sort();
}

/** identity → IDENTITY_DATABASE_URL, the variable each subgraph's config schema reads. */
export function databaseUrlVariable(subgraph: string): string {
  return `${subgraph.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_DATABASE_URL`;
}

/** The URL without its password, fit for printing. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}

export interface MigrateOptions {
  /** Where the *_DATABASE_URL and DATA_DIR settings come from (default process.env). */
  env?: Env;
  /** Folder holding one folder per subgraph, each with a prisma/ (default: the list's subgraphs/<name>). */
  subgraphsRoot?: string;
  /** Only these subgraphs (default: every one of the list, or of subgraphsRoot). */
  subgraphs?: string[];
  /** Embedded data directory (default DATA_DIR, resolved from the repository root, else .data). */
  dataDir?: string;
  /** Use this PGlite instead of opening <dataDir>/pglite (tests); it is not closed. */
  pglite?: PGlite;
  /** Progress lines as each subgraph finishes. */
  log?: (line: string) => void;
}

export interface SubgraphMigrationResult {
  subgraph: string;
  /** Where the migrations went, password redacted. */
  target: string;
  applied: string[];
  alreadyApplied: string[];
  /** The shared event tables' migrations (prisma/event-tables) applied by this run. */
  shared?: string[];
  /** Set when this subgraph's migrations failed (nothing of the failing run is kept: one transaction). */
  error?: string;
}

export function formatResult(result: SubgraphMigrationResult): string {
  const head = `${result.subgraph} → ${result.target}`;
  if (result.error) return `${head}\n  FAILED: ${result.error}`;
  const lines = [head];
  for (const name of result.applied) lines.push(`  applied          ${name}`);
  for (const name of result.alreadyApplied) lines.push(`  already applied  ${name}`);
  for (const name of result.shared ?? []) lines.push(`  applied          ${name} (prisma/event-tables)`);
  if (result.applied.length === 0 && result.alreadyApplied.length === 0) lines.push("  (no migrations)");
  return lines.join("\n");
}

/**
 * Applies each subgraph's migrations in turn and reports per subgraph. A
 * failing subgraph does not stop the others; its result carries the error.
 */
export async function migrateAll(options: MigrateOptions = {}): Promise<SubgraphMigrationResult[]> {
  const env = options.env ?? process.env;
  const subgraphs = options.subgraphs ?? discoverSubgraphs(options.subgraphsRoot);
  const dataDir = options.dataDir ?? path.resolve(REPO_ROOT, env.DATA_DIR || ".data");
  const pglitePath = path.join(dataDir, "pglite");
  const dirOf = (subgraph: string) =>
    options.subgraphsRoot
      ? path.join(options.subgraphsRoot, subgraph, "prisma", "migrations")
      : migrationsDir(subgraph);
  // Same reading as the config schemas: blank means unset.
  const urlOf = (subgraph: string) => env[databaseUrlVariable(subgraph)]?.trim() || undefined;

  let pglite = options.pglite;
  const ownsPGlite = !pglite;
  const results: SubgraphMigrationResult[] = [];
  try {
    for (const subgraph of subgraphs) {
      const url = urlOf(subgraph);
      const target = url
        ? `PostgreSQL ${redactUrl(url)} (schema "${subgraph}")`
        : `PGlite ${options.pglite ? "(given instance)" : pglitePath} (schema "${subgraph}")`;
      const result: SubgraphMigrationResult = { subgraph, target, applied: [], alreadyApplied: [] };
      let db: Database | undefined;
      try {
        const onDisk = readMigrations(dirOf(subgraph)).map((migration) => migration.name);
        if (!url) pglite ??= await startEmbeddedPostgres(pglitePath);
        db = openDatabase({ schema: subgraph, url, pglite, poolSize: 1 });
        const report = await applyMigrations(db, dirOf(subgraph));
        result.shared = (await applySharedTables(db)).applied;
        result.applied = report.applied;
        result.alreadyApplied = onDisk.filter((name) => !report.applied.includes(name));
      } catch (error) {
        result.error = describeError(error);
      } finally {
        await db?.close().catch(() => undefined);
      }
      results.push(result);
      options.log?.(formatResult(result));
    }
  } finally {
    if (ownsPGlite) await pglite?.close();
  }
  return results;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // pg's connection errors (ECONNREFUSED …) come as AggregateError with an empty message.
  if (error instanceof AggregateError && !error.message) {
    return error.errors.map((inner: unknown) => (inner instanceof Error ? inner.message : String(inner))).join("; ");
  }
  const code = (error as { code?: string }).code;
  return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}

const USAGE = `usage: pnpm migrate [subgraph ...]

Applies subgraphs/<subgraph>/prisma/migrations, then the shared event tables
(prisma/event-tables), to each subgraph's database:
<SUBGRAPH>_DATABASE_URL (PostgreSQL) when set, otherwise the embedded PGlite in
<DATA_DIR>/pglite (default .data/pglite). Stop \`pnpm dev\` first when it uses the
same DATA_DIR: PGlite is single-process.`;

async function main(argv: string[]): Promise<number> {
  const write = (line: string) => process.stdout.write(`${line}\n`);
  if (argv.includes("--help") || argv.includes("-h")) {
    write(USAGE);
    return 0;
  }
  const known = discoverSubgraphs();
  const unknown = argv.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    process.stderr.write(`migrate: unknown subgraph ${unknown.join(", ")} (known: ${known.join(", ")})\n`);
    return 2;
  }
  const results = await migrateAll({ subgraphs: argv.length > 0 ? argv : known, log: write });
  const failed = results.filter((result) => result.error);
  if (failed.length > 0) {
    const done = results.filter((result) => !result.error).map((result) => result.subgraph);
    process.stderr.write(
      `migrate: FAILED for ${failed.map((result) => result.subgraph).join(", ")} (see above)` +
        (done.length > 0 ? `; up to date: ${done.join(", ")}` : "") +
        `. A subgraph's migrations run in one transaction, so a failed run changed nothing there.\n`,
    );
    return 1;
  }
  const applied = results.reduce((sum, result) => sum + result.applied.length, 0);
  write(`migrate: ${applied} migration(s) applied, ${results.length} subgraph(s) up to date`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`migrate: FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
