import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";

/**
 * One PGlite instance (real Postgres compiled to WASM) serves every subgraph of
 * the embedded runtime, each in its own schema: a PGlite instance costs
 * hundreds of MB, so one per subgraph would not fit the memory target.
 * With a data directory the data survives restarts; without, it lives in memory
 * (tests).
 */
export async function startEmbeddedPostgres(dataDir?: string): Promise<PGlite> {
  if (dataDir) mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
  const pglite = new PGlite(dataDir ? path.resolve(dataDir) : undefined);
  await pglite.waitReady;
  return pglite;
}

export type { PGlite };
