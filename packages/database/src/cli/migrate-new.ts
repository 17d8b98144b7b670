import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { prismaDir, SHARED_TABLES } from "../layout";
import { readMigrations } from "../migrations";
import { discoverSubgraphs } from "./migrate";

/**
 * `pnpm migrate:new <subgraph> <name>`: writes
 * subgraphs/<subgraph>/prisma/migrations/<timestamp>_<name>/migration.sql with the SQL
 * that takes a database from the existing migrations to what schema.prisma
 * now describes. Runs `prisma migrate diff --from-migrations
 * --to-schema-datamodel --script` offline: the JS schema engine replays the
 * migrations on an in-memory PGlite (see prisma-diff.config.ts for the one
 * adapter fix that needs).
 */

const PACKAGE_DIR = path.resolve(__dirname, "../..");
const PRISMA_OFFLINE = path.join(PACKAGE_DIR, "bin/prisma-offline.js");
const DIFF_CONFIG = path.join(__dirname, "prisma-diff.config.ts");

export interface DiffOptions {
  /** Defaults to subgraphs/<subgraph>/prisma/migrations. */
  migrationsDir?: string;
  /** Defaults to subgraphs/<subgraph>/prisma/schema.prisma. */
  schemaPath?: string;
}

/**
 * The shared event tables (prisma/event-tables) exist in every schema but no
 * schema.prisma describes them, so Prisma's diff proposes dropping them where
 * a subgraph's own old migrations created them: those statements go.
 */
export function withoutSharedTables(sql: string): string {
  const touches = (block: string) => SHARED_TABLES.some((name) => block.includes(`."${name}"`));
  return sql
    .split(/\n\s*\n/)
    .filter((block) => !touches(block))
    .join("\n\n");
}

/** The SQL from the migrations to schema.prisma (Prisma writes a comment only when there is nothing to do). */
export async function diffMigrationsToSchema(subgraph: string, options: DiffOptions = {}): Promise<string> {
  return withoutSharedTables(await rawDiff(subgraph, options));
}

function rawDiff(subgraph: string, options: DiffOptions): Promise<string> {
  const migrations = options.migrationsDir ?? path.join(prismaDir(subgraph), "migrations");
  const schema = options.schemaPath ?? path.join(prismaDir(subgraph), "schema.prisma");
  const args = [
    PRISMA_OFFLINE,
    "migrate",
    "diff",
    "--config",
    DIFF_CONFIG,
    "--from-migrations",
    migrations,
    "--to-schema-datamodel",
    schema,
    "--script",
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: PACKAGE_DIR, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`prisma migrate diff failed (exit ${code}):\n${(stderr + stdout).trim()}`));
    });
  });
}

/** True when the diff holds no statement, only comments (Prisma prints "-- This is an empty migration."). */
export function isEmptyMigration(sql: string): boolean {
  return sql
    .split("\n")
    .map((line) => line.trim())
    .every((line) => line === "" || line.startsWith("--"));
}

/** "Add course subtitle" → "add_course_subtitle"; Prisma's folder names are <timestamp>_<snake_case>. */
export function migrationSlug(name: string): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (!slug) throw new Error(`migration name ${JSON.stringify(name)} has no letters or digits`);
  return slug;
}

const stamp = (date: Date) => date.toISOString().replace(/[-:T]/g, "").slice(0, 14);

/** YYYYMMDDHHMMSS (UTC) like Prisma, and always later than the newest existing migration so the order holds. */
export function nextTimestamp(existing: string[], now = new Date()): string {
  const latest = existing
    .map((name) => /^(\d{14})_/.exec(name)?.[1])
    .filter((value): value is string => Boolean(value))
    .sort()
    .at(-1);
  let candidate = stamp(now);
  if (latest && candidate <= latest) {
    const parsed = latest.replace(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/, "$1-$2-$3T$4:$5:$6Z");
    candidate = stamp(new Date(Date.parse(parsed) + 1000));
  }
  return candidate;
}

export interface NewMigration {
  /** Absent when schema.prisma already matches the migrations (and `empty` was not asked for). */
  folder?: string;
  sql: string;
}

/** Diffs and, when there is something to migrate (or `empty`), writes the new migration folder. */
export async function createMigration(
  subgraph: string,
  name: string,
  options: DiffOptions & { empty?: boolean; now?: Date } = {},
): Promise<NewMigration> {
  const migrationsDir = options.migrationsDir ?? path.join(prismaDir(subgraph), "migrations");
  const slug = migrationSlug(name);
  const sql = options.empty
    ? `-- ${slug}: written by hand (pnpm migrate:new --empty)\n`
    : await diffMigrationsToSchema(subgraph, options);
  if (!options.empty && isEmptyMigration(sql)) return { sql };
  const existing = readMigrations(migrationsDir).map((migration) => migration.name);
  const folder = path.join(migrationsDir, `${nextTimestamp(existing, options.now)}_${slug}`);
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, "migration.sql"), sql.endsWith("\n") ? sql : `${sql}\n`);
  return { folder, sql };
}

const USAGE = `usage: pnpm migrate:new <subgraph> <name> [--empty]

Writes subgraphs/<subgraph>/prisma/migrations/<timestamp>_<name>/migration.sql with the SQL
from the existing migrations to subgraphs/<subgraph>/prisma/schema.prisma (prisma migrate
diff, offline). Nothing is written when they already match. --empty writes an
empty migration to fill in by hand (data migrations).`;

async function main(argv: string[]): Promise<number> {
  const write = (line: string) => process.stdout.write(`${line}\n`);
  if (argv.includes("--help") || argv.includes("-h")) {
    write(USAGE);
    return 0;
  }
  const empty = argv.includes("--empty");
  const [subgraph, ...words] = argv.filter((arg) => !arg.startsWith("--"));
  if (!subgraph || words.length === 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const known = discoverSubgraphs();
  if (!known.includes(subgraph)) {
    process.stderr.write(`migrate:new: unknown subgraph ${subgraph} (known: ${known.join(", ")})\n`);
    return 2;
  }
  write(`migrate:new: diffing subgraphs/${subgraph}/prisma/migrations against schema.prisma …`);
  const result = await createMigration(subgraph, words.join(" "), { empty });
  if (!result.folder) {
    write(`migrate:new: schema.prisma already matches the migrations of ${subgraph}; nothing written.`);
    return 0;
  }
  write(`migrate:new: wrote ${path.relative(process.cwd(), path.join(result.folder, "migration.sql"))}\n`);
  write(result.sql.trimEnd());
  write(
    `\nReview it, then apply it with \`pnpm migrate\` (the subgraph also applies it at start).` +
      ` Commit the folder; never edit a migration once applied anywhere.`,
  );
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`migrate:new: FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
