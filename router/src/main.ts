import { configError, loadConfig, requireInProduction } from "@campus/config";
import { createSharedStore } from "@campus/kv";
import { createLogger } from "@campus/logging";
import { runUntilSignalled } from "@campus/subgraph";
import { routerConfigSchema } from "./config";
import { createRouter } from "./router";

/** Standalone router process (docker compose / Kubernetes). */
if (require.main === module) {
  runUntilSignalled("router", async () => {
    const config = requireInProduction(loadConfig(routerConfigSchema), ["REDIS_URL", "INTERNAL_AUTH_SECRET"]);
    const logger = createLogger("router", config.LOG_LEVEL);
    if (!config.INTERNAL_AUTH_SECRET) {
      throw configError(
        "INTERNAL_AUTH_SECRET",
        "required to run the router on its own (every subgraph holds the same value)",
      );
    }
    const store = createSharedStore(config.REDIS_URL, {
      onConnectionError: (error) => logger.error({ err: error }, "Redis connection lost; retrying"),
    });
    const router = await createRouter(
      { ...config, INTERNAL_AUTH_SECRET: config.INTERNAL_AUTH_SECRET },
      { store, logger },
    );
    const server = await router.start();
    return {
      logger,
      async stop() {
        await server.stop();
        await store.close();
      },
    };
  });
}
