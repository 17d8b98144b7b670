import path from "node:path";
import { configError, loadConfig, requireInProduction } from "@campus/config";
import { openDatabase, startEmbeddedPostgres } from "@campus/database";
import { openEventTransport } from "@campus/events";
import { createSharedStore } from "@campus/kv";
import { createLogger } from "@campus/logging";
import { databaseUrlSetting, type KitSettings, type SubgraphDefinition } from "./define";
import { runUntilSignalled } from "./process";
import { loadSubgraph } from "./supergraph";

/**
 * One subgraph as its own process (docker compose, Kubernetes, or
 * `pnpm --filter @campus/<name> start`): settings from the environment, its
 * database (`<NAME>_DATABASE_URL`, else a PGlite under DATA_DIR), Redis, the
 * event transport, until SIGTERM. Every subgraph starts through here; none
 * has a main.ts of its own.
 */
export function runStandalone(definition: SubgraphDefinition): void {
  const { name } = definition;
  runUntilSignalled(name, async () => {
    const settings = loadConfig(definition.settingsSchema) as KitSettings & Record<string, unknown>;
    const config = requireInProduction(settings, definition.requiredInProduction as (keyof typeof settings & string)[]);
    const logger = createLogger(name, config.LOG_LEVEL);
    const secret = config.INTERNAL_AUTH_SECRET;
    if (!secret) {
      throw configError(
        "INTERNAL_AUTH_SECRET",
        "required to run a subgraph on its own (the router holds the same value)",
      );
    }
    const databaseUrl = config[databaseUrlSetting(name)] as string | undefined;
    const pglite = databaseUrl ? undefined : await startEmbeddedPostgres(path.join(config.DATA_DIR, `pglite-${name}`));
    const db = openDatabase({ schema: name, url: databaseUrl, pglite });
    const store = createSharedStore(config.REDIS_URL, {
      onConnectionError: (error) => logger.error({ err: error }, "Redis connection lost; retrying"),
    });
    const transport = await openEventTransport(config, { clientId: name, logger, pglite });
    const running = await definition.start(config, { db, store, transport, logger, secret, dataDir: config.DATA_DIR });
    return {
      logger,
      async stop() {
        await running.stop();
        await transport.close();
        await store.close();
        await db.close();
        await pglite?.close();
      },
    };
  });
}

/** `node -r @swc-node/register ../../packages/subgraph/src/standalone.ts [name]`, from the subgraph's folder. */
if (require.main === module) {
  runStandalone(loadSubgraph(process.argv[2] ?? path.basename(process.cwd())));
}
