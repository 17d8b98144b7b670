import path from "node:path";
import type { Database } from "./database";
import { SHARED_PRISMA_DIR } from "./layout";
import { applyMigrations, migrationsUpToDate } from "./migrations";

/**
 * The event tables every subgraph has in its own schema (outbox, processed
 * events, dead letters): one migration folder for all of them,
 * prisma/event-tables, with the schema filled in, recorded in a ledger of its
 * own (`_campus_event_migrations`) so `_prisma_migrations` keeps describing
 * only the subgraph's own folder. The subgraph kit applies it after the
 * subgraph's migrations; so does `pnpm migrate`.
 */
export const SHARED_TABLE_MIGRATIONS = path.join(SHARED_PRISMA_DIR, "event-tables", "migrations");
const options = (db: Database) => ({ ledger: "_campus_event_migrations", substitute: { __SCHEMA__: db.schema } });

export function applySharedTables(db: Database) {
  return applyMigrations(db, SHARED_TABLE_MIGRATIONS, options(db));
}

export function sharedTablesUpToDate(db: Database): Promise<boolean> {
  return migrationsUpToDate(db, SHARED_TABLE_MIGRATIONS, options(db));
}
