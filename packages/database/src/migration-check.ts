import { execFileSync } from "node:child_process";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { openDatabase } from "./database";
import { applyMigrations } from "./migrations";
import { migrationsDir, prismaDir, SHARED_TABLES } from "./layout";

/** The SQL Prisma would write for schema.prisma on an empty database. */
export function sqlFromSchema(subgraph: string): string {
  return execFileSync(
    process.execPath,
    [
      path.join(__dirname, "../bin/prisma-offline.js"),
      "migrate",
      "diff",
      "--from-empty",
      "--to-schema-datamodel",
      path.join(prismaDir(subgraph), "schema.prisma"),
      "--script",
    ],
    { cwd: path.join(__dirname, ".."), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
}

/**
 * Tables, columns, indexes, constraints and enums of a schema, as comparable
 * text; leaves out the migration ledger and the shared event tables, which no
 * schema.prisma describes.
 */
async function describeSchema(pglite: PGlite, schema: string): Promise<string> {
  const skipped = ["_prisma_migrations", ...SHARED_TABLES];
  const parts = await Promise.all([
    pglite.query(
      `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, character_maximum_length
       FROM information_schema.columns WHERE table_schema = $1 AND table_name <> ALL($2) ORDER BY 1, 2`,
      [schema, skipped],
    ),
    pglite.query(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename <> ALL($2) ORDER BY 1`,
      [schema, skipped],
    ),
    pglite.query(
      `SELECT c.conname, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
       JOIN pg_namespace n ON n.oid = c.connamespace JOIN pg_class t ON t.oid = c.conrelid
       WHERE n.nspname = $1 AND t.relname <> ALL($2) ORDER BY 1`,
      [schema, skipped],
    ),
    pglite.query(
      `SELECT t.typname, e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname = $1 ORDER BY 1, e.enumsortorder`,
      [schema],
    ),
  ]);
  return JSON.stringify(
    parts.map((part) => part.rows),
    null,
    1,
  );
}

/**
 * Applies the migrations to one empty database and Prisma's SQL for
 * schema.prisma to another, then compares what they built. A difference means
 * someone changed schema.prisma without adding a migration (or edited one).
 */
export async function compareMigrationsWithSchema(subgraph: string, schema = subgraph) {
  const fromMigrations = new PGlite();
  const fromSchema = new PGlite();
  try {
    await applyMigrations(openDatabase({ schema, pglite: fromMigrations }), migrationsDir(subgraph));
    await fromSchema.exec(sqlFromSchema(subgraph));
    return {
      migrations: await describeSchema(fromMigrations, schema),
      schema: await describeSchema(fromSchema, schema),
    };
  } finally {
    await fromMigrations.close();
    await fromSchema.close();
  }
}
