import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { Extension } from "@electric-sql/pglite";

// The repo's moduleResolution ("node") cannot see the package's subpath exports; Node's require can.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { pg_trgm } = require("@electric-sql/pglite/contrib/pg_trgm") as { pg_trgm: Extension };

/**
 * One PGlite instance (real Postgres compiled to WASM) serves every subgraph of
 * the embedded runtime, each in its own schema: a PGlite instance costs
 * hundreds of MB, so one per subgraph would not fit the memory target.
 * With a data directory the data survives restarts; without, it lives in memory
 * (tests). pg_trgm is loaded for search's embedded engine (typo tolerance);
 * a schema still has to `CREATE EXTENSION` it to use it.
 */
export async function startEmbeddedPostgres(dataDir?: string): Promise<PGlite> {
  if (dataDir) mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
  // one options object: `new PGlite(undefined, options)` ignores the options
  const pglite = new PGlite({ dataDir: dataDir ? path.resolve(dataDir) : undefined, extensions: { pg_trgm } });
  await pglite.waitReady;
  return pglite;
}

export type { PGlite };
