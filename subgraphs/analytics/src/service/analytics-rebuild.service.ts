import {
  MalformedEventError,
  parseEvent,
  type CampusEvent,
  type Delivery,
  type EventLogQuery,
  type HandlerEntry,
} from "@campus/events";
import type { Logger } from "@campus/logging";
import type { AnalyticsPrisma, AnalyticsTx } from "../data/analytics.prisma";

/** Every table analytics derives from events: a rebuild empties them all. */
const DERIVED_TABLES = [
  "PlatformDay",
  "MoneyDay",
  "LearnerActivity",
  "CourseDay",
  "CourseRevenueDay",
  "EnrollmentFact",
  "SubmissionFact",
  "CourseFact",
];

export interface RebuildResult {
  events: number;
  applied: number;
  ms: number;
}

/** Reads the log through the rebuild's own transaction: for an event log in analytics' database (one PGlite connection). */
export const inTransaction =
  (tx: AnalyticsTx): EventLogQuery =>
  (sql, params) =>
    tx.$queryRawUnsafe(sql, ...params);

/**
 * `pnpm analytics:rebuild`: empties analytics' tables and applies every event
 * of the log again with the consumer's own handlers, in one transaction, so
 * reports read the old figures until the new ones are complete. Each replayed
 * event's id goes back into ProcessedEvent for the live consumer's group: an
 * event the consumer receives during or after the rebuild is applied once,
 * either here or there, never twice (the consumer inserts its ProcessedEvent
 * row first and waits on ours).
 */
export class AnalyticsRebuildService {
  constructor(
    private readonly prisma: AnalyticsPrisma,
    private readonly group: string,
    private readonly handlers: HandlerEntry<AnalyticsTx>[],
    private readonly logger: Logger,
  ) {}

  /** The topics the handlers read (`campus.<producer>.events`). */
  get topics(): string[] {
    return [...new Set(this.handlers.map((entry) => entry.definition.topic))];
  }

  /**
   * `history` is the transport's (EventTransport.history on the handlers'
   * topics), or, where the log shares analytics' one connection, the log
   * read through the rebuild's transaction (eventLogHistory + inTransaction).
   */
  async rebuild(history: (tx: AnalyticsTx) => AsyncIterable<Delivery[]>): Promise<RebuildResult> {
    const started = Date.now();
    const handle = new Map(this.handlers.map((entry) => [entry.definition.type, entry.handle]));
    let events = 0;
    let applied = 0;
    await this.prisma.$transaction(
      async (tx) => {
        // First, so a live consumer's transaction (its ProcessedEvent row, then the tables) ends before we take
        // the tables: taken the other way round, each waited for the other (deadlock).
        await tx.$executeRawUnsafe(`LOCK TABLE "analytics"."ProcessedEvent" IN EXCLUSIVE MODE`);
        await tx.$executeRawUnsafe(`TRUNCATE ${DERIVED_TABLES.map((table) => `"analytics"."${table}"`).join(", ")}`);
        await tx.$executeRaw`DELETE FROM "analytics"."ProcessedEvent" WHERE "consumerGroup" = ${this.group}`;
        for await (const batch of history(tx)) {
          for (const { event: raw } of batch) {
            events += 1;
            let event: CampusEvent;
            try {
              event = parseEvent(raw);
            } catch (error) {
              // the live consumer dead-lettered it; it stays there (pnpm events:replay)
              if (error instanceof MalformedEventError) continue;
              throw error;
            }
            const handler = handle.get(event.type);
            if (!handler) continue;
            await handler(event, tx, () => {
              throw new Error("analytics emits no events");
            });
            await tx.$executeRaw`
              INSERT INTO "analytics"."ProcessedEvent" ("consumerGroup", "eventId") VALUES (${this.group}, ${event.id})
              ON CONFLICT DO NOTHING`;
            applied += 1;
          }
        }
      },
      { timeout: 3_600_000, maxWait: 60_000 },
    );
    const result = { events, applied, ms: Date.now() - started };
    this.logger.info(result, "analytics rebuilt from the event log");
    return result;
  }
}
