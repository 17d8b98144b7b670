import path from "node:path";
import { commandLine } from "@campus/config";
import { openDatabase, REPO_ROOT, startEmbeddedPostgres, type PGlite } from "@campus/database";
import { createLogger } from "@campus/logging";
import { AnalyticsFactsRepository } from "../data/analytics-facts.repository";
import { PrismaClient } from "../data/analytics.prisma";
import { ANALYTICS_FACTS_GROUP, analyticsFactsHandlers } from "../events/analytics-facts.consumer";
import { AnalyticsRebuildService, eventLogEvents, inTransaction } from "../service/analytics-rebuild.service";

/**
 * `pnpm analytics:rebuild`: recomputes analytics' tables from the embedded
 * transport's event log (docs/analytics.md, "Rebuild"). The log is
 * EVENTS_DATABASE_URL's, analytics' database ANALYTICS_DATABASE_URL; either
 * unset, the embedded PGlite under DATA_DIR (stop `pnpm dev` first: PGlite
 * cannot be opened by two processes). With KAFKA_BROKERS set there is no log
 * table to read: it refuses rather than rebuild from part of the history.
 */
commandLine({
  usage: "pnpm analytics:rebuild",
  description:
    "Empties analytics' tables and applies every event of the embedded event log again, in one transaction.\n" +
    "The log keeps 7 days of events: a rebuild after that loses the older facts.",
  options: {},
  help: {},
});

async function main() {
  if (process.env.KAFKA_BROKERS?.trim())
    throw new Error("KAFKA_BROKERS is set: the rebuild reads the embedded event log only (docs/analytics.md)");
  const eventsUrl = process.env.EVENTS_DATABASE_URL?.trim() || undefined;
  const analyticsUrl = process.env.ANALYTICS_DATABASE_URL?.trim() || undefined;
  let pglite: PGlite | undefined;
  if (!eventsUrl || !analyticsUrl)
    pglite = await startEmbeddedPostgres(path.resolve(REPO_ROOT, process.env.DATA_DIR || ".data", "pglite"));
  const eventLog = openDatabase({ schema: "eventbus", url: eventsUrl, pglite, poolSize: 1 });
  const db = openDatabase({ schema: "analytics", url: analyticsUrl, pglite, poolSize: 1 });
  const prisma = new PrismaClient({ adapter: db.adapter });
  const logger = createLogger("analytics-rebuild", process.env.LOG_LEVEL || "info");
  try {
    const rebuild = new AnalyticsRebuildService(
      prisma,
      ANALYTICS_FACTS_GROUP,
      analyticsFactsHandlers(new AnalyticsFactsRepository()),
      logger,
    );
    // one PGlite holds both: read the log in the rebuild's transaction (PGlite has one connection)
    const result = await rebuild.rebuild((tx) =>
      eventLogEvents(
        pglite && !eventsUrl ? inTransaction(tx) : (sql, params) => eventLog.query(sql, params),
        rebuild.topics,
      ),
    );
    process.stdout.write(
      `analytics rebuilt: ${result.applied} of ${result.events} events applied in ${result.ms} ms\n`,
    );
  } finally {
    await prisma.$disconnect();
    await db.close();
    await eventLog.close();
    await pglite?.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`analytics:rebuild failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
