/**
 * The one thing the event machinery needs from a caller's transaction: run a
 * statement and say how many rows it changed. A Prisma interactive
 * transaction and a `Database` session both provide it (see `prismaSql`).
 */
export interface SqlExecutor {
  execute(sql: string, params: unknown[]): Promise<number>;
}

export interface PrismaRawExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
}

export function prismaSql(tx: PrismaRawExecutor): SqlExecutor {
  return { execute: async (sql, params) => tx.$executeRawUnsafe(sql, ...params) };
}

/** Quoted `"schema"."table"`; schema names come from code, never from input. */
export function qualified(schema: string, table: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`not a schema name: ${schema}`);
  return `"${schema}"."${table}"`;
}
