import { MalformedEventError, parseEvent, type CampusEvent, type HandlerEntry } from "@campus/events";
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

/** Runs one SQL statement with parameters: the event log's database, or the rebuild's transaction. */
export type LogQuery = <T>(sql: string, params: unknown[]) => Promise<T[]>;

/** Reads the log through the rebuild's own transaction: for a log in analytics' database (the embedded PGlite, tests). */
export const inTransaction =
  (tx: AnalyticsTx): LogQuery =>
  (sql, params) =>
    tx.$queryRawUnsafe(sql, ...params);

/**
 * The events of the embedded transport's log (`eventbus.event_log`) on the
 * given topics, in log order (so each subject's events in the order they were
 * published), a batch at a time. The log keeps what its retention keeps
 * (docs/analytics.md, "Rebuild").
 */
export async function* eventLogEvents(query: LogQuery, topics: string[], batch = 1000): AsyncGenerator<CampusEvent[]> {
  for (let after = 0; ;) {
    const rows = await query<{ offset: string | number | bigint; event: unknown }>(
      `SELECT "offset", event FROM "eventbus"."event_log" WHERE topic = ANY($1) AND "offset" > $2 ORDER BY "offset" LIMIT $3`,
      [topics, after, batch],
    );
    if (rows.length === 0) return;
    after = Number(rows.at(-1)!.offset);
    yield rows.map((row) => (typeof row.event === "string" ? JSON.parse(row.event) : row.event) as CampusEvent);
  }
}

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

  async rebuild(source: (tx: AnalyticsTx) => AsyncIterable<CampusEvent[]>): Promise<RebuildResult> {
    const started = Date.now();
    const handle = new Map(this.handlers.map((entry) => [entry.definition.type, entry.handle]));
    let events = 0;
    let applied = 0;
    await this.prisma.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe(`TRUNCATE ${DERIVED_TABLES.map((table) => `"analytics"."${table}"`).join(", ")}`);
        await tx.$executeRaw`DELETE FROM "analytics"."ProcessedEvent" WHERE "consumerGroup" = ${this.group}`;
        for await (const batch of source(tx)) {
          for (const raw of batch) {
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
