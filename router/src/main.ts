import { loadConfig, requireInProduction } from "@campus/config";
import { createSharedStore } from "@campus/kv";
import { createLogger } from "@campus/logging";
import { runUntilSignalled } from "@campus/subgraph";
import { routerConfigSchema } from "./config";
import { createRouter } from "./router";

/** Standalone router process (docker compose / Kubernetes). */
if (require.main === module) {
  const config = requireInProduction(loadConfig(routerConfigSchema), ["REDIS_URL", "INTERNAL_AUTH_SECRET"]);
  const logger = createLogger("router", config.LOG_LEVEL);
  runUntilSignalled(logger, async () => {
    if (!config.INTERNAL_AUTH_SECRET) throw new Error("INTERNAL_AUTH_SECRET is required to run the router on its own");
    const store = createSharedStore(config.REDIS_URL);
    const router = await createRouter(
      { ...config, INTERNAL_AUTH_SECRET: config.INTERNAL_AUTH_SECRET },
      { store, logger },
    );
    const server = await router.start();
    return {
      async stop() {
        await server.stop();
        await store.close();
      },
    };
  });
}
