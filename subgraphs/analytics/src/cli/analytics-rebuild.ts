import path from "node:path";
import { commandLine, commonEnv, loadConfig, optionalUrlSetting, z } from "@campus/config";
import { openDatabase, REPO_ROOT, startEmbeddedPostgres, type PGlite } from "@campus/database";
import { eventLogHistory, eventsEnv, openEventTransport } from "@campus/events";
import { createLogger } from "@campus/logging";
import { AnalyticsFactsRepository } from "../data/analytics-facts.repository";
import { PrismaClient } from "../data/analytics.prisma";
import { ANALYTICS_FACTS_GROUP, analyticsFactsHandlers } from "../events/analytics-facts.consumer";
import { AnalyticsRebuildService, inTransaction } from "../service/analytics-rebuild.service";

/**
 * `pnpm analytics:rebuild`: recomputes analytics' tables from the event
 * history the transport still holds (docs/analytics.md, "Rebuild"): Kafka's
 * topics with KAFKA_BROKERS (EVENTS_TOPIC_PREFIX as the services use it),
 * else the embedded event log (EVENTS_DATABASE_URL, or the PGlite under
 * DATA_DIR). Analytics' database is ANALYTICS_DATABASE_URL, else that PGlite
 * (stop `pnpm dev` first: PGlite cannot be opened by two processes).
 */
commandLine({
  usage: "pnpm analytics:rebuild",
  description:
    "Empties analytics' tables and applies every event the transport still holds again, in one transaction.\n" +
    "The history is what retention keeps (7 days in the embedded log, retention.ms on Kafka).",
  options: {},
  help: {},
});

const settings = z.object({
  ...commonEnv,
  ...eventsEnv,
  ANALYTICS_DATABASE_URL: optionalUrlSetting,
});

async function main() {
  const config = loadConfig(settings);
  const logger = createLogger("analytics-rebuild", config.LOG_LEVEL);
  const logInPglite = !config.KAFKA_BROKERS?.length && !config.EVENTS_DATABASE_URL;
  let pglite: PGlite | undefined;
  if (logInPglite || !config.ANALYTICS_DATABASE_URL)
    pglite = await startEmbeddedPostgres(path.resolve(REPO_ROOT, config.DATA_DIR, "pglite"));
  const transport = await openEventTransport(config, { clientId: "analytics-rebuild", logger, pglite });
  const db = openDatabase({ schema: "analytics", url: config.ANALYTICS_DATABASE_URL, pglite, poolSize: 1 });
  const prisma = new PrismaClient({ adapter: db.adapter });
  try {
    const rebuild = new AnalyticsRebuildService(
      prisma,
      ANALYTICS_FACTS_GROUP,
      analyticsFactsHandlers(new AnalyticsFactsRepository()),
      logger,
    );
    // one PGlite connection holds both: read the log in the rebuild's own transaction
    const shared = logInPglite && !config.ANALYTICS_DATABASE_URL;
    const result = await rebuild.rebuild((tx) =>
      shared ? eventLogHistory(inTransaction(tx), rebuild.topics) : transport.history(rebuild.topics),
    );
    process.stdout.write(
      `analytics rebuilt from the ${transport.kind} transport: ${result.applied} of ${result.events} events applied in ${result.ms} ms\n`,
    );
  } finally {
    await prisma.$disconnect();
    await db.close();
    await transport.close();
    await pglite?.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`analytics:rebuild failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
