import { configError, loadConfig, requireInProduction } from "@campus/config";
import { openDatabase, startEmbeddedPostgres } from "@campus/database";
import { openEventTransport } from "@campus/events";
import { createSharedStore } from "@campus/kv";
import { createLogger } from "@campus/logging";
import { runUntilSignalled } from "@campus/subgraph";
import path from "node:path";
import { enrollmentConfigSchema } from "./config";
import { createEnrollmentSubgraph } from "./subgraph";

/** Standalone process (docker compose / Kubernetes): one subgraph, config from env. */
if (require.main === module) {
  runUntilSignalled("enrollment", async () => {
    const config = requireInProduction(loadConfig(enrollmentConfigSchema), ["ENROLLMENT_DATABASE_URL", "REDIS_URL"]);
    const logger = createLogger("enrollment", config.LOG_LEVEL);
    if (!config.INTERNAL_AUTH_SECRET) {
      throw configError(
        "INTERNAL_AUTH_SECRET",
        "required to run a subgraph on its own (the router holds the same value)",
      );
    }
    const pglite = config.ENROLLMENT_DATABASE_URL
      ? undefined
      : await startEmbeddedPostgres(path.join(config.DATA_DIR, "pglite-enrollment"));
    const db = openDatabase({ schema: "enrollment", url: config.ENROLLMENT_DATABASE_URL, pglite });
    const store = createSharedStore(config.REDIS_URL, {
      onConnectionError: (error) => logger.error({ err: error }, "Redis connection lost; retrying"),
    });
    const events = await openEventTransport(config, { clientId: "enrollment", logger, pglite });
    const subgraph = await createEnrollmentSubgraph(
      { ...config, INTERNAL_AUTH_SECRET: config.INTERNAL_AUTH_SECRET },
      { db, store, events, logger },
    );
    const server = await subgraph.start();
    return {
      logger,
      async stop() {
        await server.stop();
        await events.close();
        await store.close();
        await db.close();
        await pglite?.close();
      },
    };
  });
}
