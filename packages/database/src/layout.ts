import path from "node:path";

/** The repository root, found from this file so scripts work from any cwd. */
export const REPO_ROOT = path.resolve(__dirname, "../../..");

/** A subgraph keeps its Prisma schema and migrations in its own folder: subgraphs/<name>/prisma/. */
export function prismaDir(subgraph: string) {
  return path.join(REPO_ROOT, "subgraphs", subgraph, "prisma");
}

export function migrationsDir(subgraph: string) {
  return path.join(prismaDir(subgraph), "migrations");
}

/** What every database shares lives in prisma/ at the root: see prisma/README.md. */
export const SHARED_PRISMA_DIR = path.join(REPO_ROOT, "prisma");

/**
 * Tables every subgraph schema has from prisma/event-tables (the kit's
 * outbox, processed-event and dead-letter tables, and their ledger). A
 * subgraph's schema.prisma does not describe them, so `pnpm migrate:new` and
 * the migration check leave them out.
 */
export const SHARED_TABLES = ["OutboxEvent", "ProcessedEvent", "DeadLetterEvent", "_campus_event_migrations"];
