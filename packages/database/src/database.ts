import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { countQueries, type QueryCounter } from "./query-counter";

/**
 * A subgraph's database: PostgreSQL when it has a URL, otherwise its schema in
 * the shared embedded PGlite. Prisma talks to it through `adapter`; migrations
 * and health checks use `exec`/`query` (plain SQL, multi-statement allowed).
 */
export interface Database {
  readonly kind: "postgres" | "pglite";
  /** The Postgres schema holding this subgraph's tables. */
  readonly schema: string;
  readonly adapter: SqlDriverAdapterFactory;
  readonly queries: QueryCounter;
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** One statement with parameters; resolves to the number of rows it changed. */
  execute(sql: string, params?: unknown[]): Promise<number>;
  /** Runs `work` in one transaction on one connection. */
  transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** What a transaction can do: the same statements as the database, on one connection. */
export type SqlSession = Pick<Database, "exec" | "query" | "execute">;

export interface DatabaseOptions {
  schema: string;
  /** postgres://… — when set, PostgreSQL is used. */
  url?: string;
  /** The shared embedded instance, used when no URL is set. */
  pglite?: PGlite;
  poolSize?: number;
}

export function openDatabase(options: DatabaseOptions): Database {
  if (options.url) return openPostgres(options.url, options.schema, options.poolSize ?? 10);
  if (!options.pglite) throw new Error(`database for schema ${options.schema}: neither a URL nor PGlite given`);
  return openPGlite(options.pglite, options.schema);
}

function openPostgres(url: string, schema: string, poolSize: number): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // A dropped idle connection must not crash the process; pg-pool replaces it.
  pool.on("error", () => undefined);
  const counted = countQueries(new PrismaPg(pool, { schema }));
  const run = async <T>(client: pg.Pool | pg.PoolClient, sql: string, params?: unknown[]) =>
    (await client.query(sql, params as unknown[])).rows as T[];
  const change = async (client: pg.Pool | pg.PoolClient, sql: string, params?: unknown[]) =>
    (await client.query(sql, params as unknown[])).rowCount ?? 0;
  return {
    kind: "postgres",
    schema,
    adapter: counted.factory,
    queries: counted.counter,
    exec: async (sql) => void (await pool.query(sql)),
    query: (sql, params) => run(pool, sql, params),
    execute: (sql, params) => change(pool, sql, params),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await work({
          exec: async (sql) => void (await client.query(sql)),
          query: (sql, params) => run(client, sql, params),
          execute: (sql, params) => change(client, sql, params),
        });
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

function openPGlite(pglite: PGlite, schema: string): Database {
  const counted = countQueries(new PrismaPGlite(pglite) as unknown as SqlDriverAdapterFactory);
  return {
    kind: "pglite",
    schema,
    adapter: counted.factory,
    queries: counted.counter,
    exec: async (sql) => void (await pglite.exec(sql)),
    query: async (sql, params) => (await pglite.query(sql, params)).rows as never,
    execute: async (sql, params) => (await pglite.query(sql, params)).affectedRows ?? 0,
    transaction: (work) =>
      pglite.transaction((tx) =>
        work({
          exec: async (sql) => void (await tx.exec(sql)),
          query: async (sql, params) => (await tx.query(sql, params)).rows as never,
          execute: async (sql, params) => (await tx.query(sql, params)).affectedRows ?? 0,
        }),
      ),
    // The instance is shared; its owner closes it.
    close: async () => undefined,
  };
}

/**
 * Options for Prisma interactive transactions. They wait for a connection, and
 * PGlite has exactly one, so concurrent writers queue for it; Prisma's 2 s
 * default is too tight for a burst of writes in the embedded runtime.
 */
export const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 15_000 } as const;
