import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Database } from "./database";

/**
 * Applies Prisma-layout migrations (`<dir>/<timestamp>_<name>/migration.sql`)
 * and records them in `_prisma_migrations` with the columns and checksums
 * `prisma migrate deploy` uses, so a machine that can run the Prisma CLI may
 * take over. We cannot use the CLI here: its engine needs a download (see
 * docs/database.md). The table lives in the subgraph's own schema, the way
 * Prisma does with `?schema=` in the URL.
 */
export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationOptions {
  /**
   * The table that records what was applied, in the database's schema.
   * Prisma's own by default; migrations that are not a subgraph's own (the
   * kit's event tables) keep a ledger of their own so Prisma never sees them.
   */
  ledger?: string;
  /** Placeholders replaced in the SQL, e.g. `{ __SCHEMA__: "catalog" }` for migrations shared by every schema. */
  substitute?: Record<string, string>;
}

export function readMigrations(migrationsDir: string, substitute: Record<string, string> = {}): Migration[] {
  if (!existsSync(migrationsDir)) throw new Error(`migrations folder missing: ${migrationsDir}`);
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(migrationsDir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      let sql = readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8");
      for (const [placeholder, value] of Object.entries(substitute)) sql = sql.split(placeholder).join(value);
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

const PRISMA_LEDGER = "_prisma_migrations";
const table = (schema: string, ledger = PRISMA_LEDGER) => `"${schema}"."${ledger}"`;

async function ensureTable(db: Pick<Database, "exec">, schema: string, ledger: string) {
  await db.exec(`
    CREATE SCHEMA IF NOT EXISTS "${schema}";
    CREATE TABLE IF NOT EXISTS ${table(schema, ledger)} (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    );`);
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

/** Lock id derived from the schema so two replicas never migrate the same schema at once. */
function advisoryLockId(schema: string): number {
  return createHash("sha256").update(`campus-migrate:${schema}`).digest().readInt32BE(0);
}

export async function applyMigrations(
  db: Database,
  migrationsDir: string,
  options: MigrationOptions = {},
): Promise<MigrationReport> {
  const migrations = readMigrations(migrationsDir, options.substitute);
  const ledger = options.ledger ?? PRISMA_LEDGER;
  return db.transaction(async (tx) => {
    // Transaction-scoped: released on commit/rollback, even if the process dies.
    await tx.query(`SELECT pg_advisory_xact_lock($1)`, [advisoryLockId(db.schema)]);
    await ensureTable(tx, db.schema, ledger);
    const rows = await tx.query<AppliedRow>(
      `SELECT migration_name, checksum FROM ${table(db.schema, ledger)} WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL`,
    );
    const done = new Map(rows.map((row) => [row.migration_name, row.checksum]));
    const applied: string[] = [];
    for (const migration of migrations) {
      const checksum = done.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new Error(`migration ${migration.name} in schema ${db.schema} was edited after it was applied`);
        }
        continue;
      }
      await tx.exec(migration.sql);
      await tx.query(
        `INSERT INTO ${table(db.schema, ledger)} (id, checksum, finished_at, migration_name, applied_steps_count)
         VALUES ($1, $2, now(), $3, 1)`,
        [randomUUID(), migration.checksum, migration.name],
      );
      applied.push(migration.name);
    }
    return { applied, alreadyApplied: migrations.length - applied.length };
  });
}

/** For /health/ready: true only when every migration on disk is applied. */
export async function migrationsUpToDate(
  db: Database,
  migrationsDir: string,
  options: MigrationOptions = {},
): Promise<boolean> {
  const expected = readMigrations(migrationsDir).map((migration) => migration.name);
  try {
    const rows = await db.query<AppliedRow>(
      `SELECT migration_name FROM ${table(db.schema, options.ledger)} WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const applied = new Set(rows.map((row) => row.migration_name));
    return expected.every((name) => applied.has(name));
  } catch {
    return false;
  }
}
