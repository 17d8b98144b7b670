import "../src/reflect-metadata";
import { randomUUID } from "node:crypto";
import type { Viewer } from "@campus/auth";
import { loadConfig } from "@campus/config";
import { openDatabase, startEmbeddedPostgres, type Database, type PGlite } from "@campus/database";
import { MemoryStore } from "@campus/kv";
import { createLogger } from "@campus/logging";
import { enrollmentConfigSchema } from "../src/config";
import { createEnrollmentSubgraph } from "../src/subgraph";
import { FakeCatalog } from "./fake-catalog";

export const SECRET = "x".repeat(32);

export const learner = (): Viewer => ({ userId: randomUUID(), roles: ["LEARNER"] });
export const admin = (): Viewer => ({ userId: randomUUID(), roles: ["LEARNER", "ADMIN"] });

/** A real enrollment subgraph on in-memory PGlite, talking HTTP to a fake catalog. */
export async function startHarness() {
  const pglite: PGlite = await startEmbeddedPostgres();
  const db: Database = openDatabase({ schema: "enrollment", pglite });
  const store = new MemoryStore();
  const catalog = await new FakeCatalog().start();
  const config = loadConfig(enrollmentConfigSchema, { INTERNAL_AUTH_SECRET: SECRET, LOG_LEVEL: "silent" });
  const subgraph = await createEnrollmentSubgraph(
    { ...config, INTERNAL_AUTH_SECRET: SECRET },
    { db, store, logger: createLogger("enrollment", "silent"), catalogUrl: catalog.url },
  );
  return {
    db,
    catalog,
    subgraph,
    service: subgraph.enrollments,
    async stop() {
      await catalog.stop();
      await store.close();
      await pglite.close();
    },
  };
}

/** Runs `work` and returns the error code it failed with (or "OK"). */
export async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return "OK";
  } catch (error) {
    return String((error as { extensions?: { code?: string } }).extensions?.code ?? (error as Error).name);
  }
}
