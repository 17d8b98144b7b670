import { EventEmitter } from "node:events";
import path from "node:path";
import { applyMigrations, SHARED_PRISMA_DIR, type Database } from "@campus/database";
import type { Logger } from "@campus/logging";
import type { Delivery, EventTransport, OutgoingEvent, Subscription, SubscriptionOptions } from "./transport";
import { Wakeup } from "./wakeup";

export const EVENT_LOG_SCHEMA = "eventbus";
export const EVENT_LOG_MIGRATIONS = path.join(SHARED_PRISMA_DIR, "event-log", "migrations");

export interface EmbeddedTransportOptions {
  /** A database whose schema is `eventbus` (the shared PGlite, or PostgreSQL). */
  db: Database;
  /** Close `db` with the transport. */
  ownsDatabase?: boolean;
  logger: Logger;
  /** How often an idle subscriber looks for events published by another process. */
  pollMs?: number;
  batchSize?: number;
  /** Events older than this leave the log (Kafka's retention.ms). */
  retentionMs?: number;
}

/** Runs one SQL statement on the database that holds the log (or a transaction on it). */
export type EventLogQuery = <T>(sql: string, params: unknown[]) => Promise<T[]>;

const deliveryOf = (topic: string, event: unknown): Delivery => ({
  topic,
  event: typeof event === "string" ? JSON.parse(event) : event,
});

/**
 * The log's events on the topics up to its end when called, in log order (so
 * each subject's in the order published). Exported for a reader that must go
 * through its own transaction on the log's database (one PGlite connection).
 */
export async function* eventLogHistory(
  query: EventLogQuery,
  topics: string[],
  batch = 500,
): AsyncGenerator<Delivery[]> {
  const [end] = await query<{ offset: string | number | null }>(
    `SELECT max("offset") AS "offset" FROM "eventbus"."event_log" WHERE topic = ANY($1)`,
    [topics],
  );
  const last = Number(end?.offset ?? 0);
  for (let after = 0; after < last;) {
    const rows = await query<{ offset: string | number; topic: string; event: unknown }>(
      `SELECT "offset", topic, event FROM "eventbus"."event_log"
       WHERE topic = ANY($1) AND "offset" > $2 AND "offset" <= $3 ORDER BY "offset" LIMIT $4`,
      [topics, after, last, batch],
    );
    if (rows.length === 0) return;
    after = Number(rows.at(-1)!.offset);
    yield rows.map((row) => deliveryOf(row.topic, row.event));
  }
}

/**
 * Topics as a table: publishing appends rows, subscribing reads rows past the
 * group's stored offset and stores the new offset after handling them.
 * Durable (a restart resumes from the stored offset) and ordered: appends to
 * one topic take a transaction-level lock, so offsets become visible in the
 * order they were taken and no reader skips a row that commits late.
 *
 * One subscriber per group and topic at a time (like one partition); run
 * several replicas of a consumer on Kafka.
 */
export class EmbeddedTransport implements EventTransport {
  readonly kind = "embedded" as const;
  private readonly published = new EventEmitter().setMaxListeners(0);
  private readonly subscriptions = new Set<Subscription>();
  private readonly pollMs: number;
  private readonly batchSize: number;
  private lastPrune = Date.now();

  private constructor(private readonly options: EmbeddedTransportOptions) {
    if (options.db.schema !== EVENT_LOG_SCHEMA)
      throw new Error(`event log database must use schema ${EVENT_LOG_SCHEMA}`);
    this.pollMs = options.pollMs ?? 500;
    this.batchSize = options.batchSize ?? 500;
  }

  static async open(options: EmbeddedTransportOptions): Promise<EmbeddedTransport> {
    await applyMigrations(options.db, EVENT_LOG_MIGRATIONS);
    return new EmbeddedTransport(options);
  }

  async publish(events: OutgoingEvent[]): Promise<void> {
    if (events.length === 0) return;
    const topics = [...new Set(events.map((e) => e.topic))].sort();
    await this.options.db.transaction(async (tx) => {
      // sorted, so two publishers never wait on each other's locks in a cycle
      for (const topic of topics) await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`eventbus:${topic}`]);
      const values: string[] = [];
      const params: unknown[] = [];
      for (const { topic, event } of events) {
        const at = params.length;
        values.push(`($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}::jsonb)`);
        params.push(topic, event.subject, event.id, JSON.stringify(event));
      }
      await tx.execute(
        `INSERT INTO "eventbus"."event_log" (topic, subject, event_id, event) VALUES ${values.join(", ")}
         ON CONFLICT (event_id) DO NOTHING`,
        params,
      );
    });
    for (const topic of topics) this.published.emit(topic);
    await this.pruneNow();
  }

  async subscribe(options: SubscriptionOptions): Promise<Subscription> {
    const loops = await Promise.all(options.topics.map((topic) => this.follow(options, topic)));
    const subscription: Subscription = {
      stop: async () => {
        await Promise.all(loops.map((loop) => loop.stop()));
        this.subscriptions.delete(subscription);
      },
      lag: async () => (await Promise.all(loops.map((loop) => loop.lag()))).reduce((a, b) => a + b, 0),
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  history(topics: string[]): AsyncIterable<Delivery[]> {
    return eventLogHistory((sql, params) => this.options.db.query(sql, params), topics, this.batchSize);
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    if (this.options.ownsDatabase) await this.options.db.close();
  }

  /** One topic for one group: read past the offset, hand over in order, store the offset. */
  private async follow(options: SubscriptionOptions, topic: string) {
    const { db, logger } = this.options;
    await db.execute(
      `INSERT INTO "eventbus"."consumer_offset" (group_name, topic) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [options.group, topic],
    );
    const [stored] = await db.query<{ offset: string | number }>(
      `SELECT "offset" FROM "eventbus"."consumer_offset" WHERE group_name = $1 AND topic = $2`,
      [options.group, topic],
    );
    let offset = Number(stored?.offset ?? 0);
    let stopped = false;
    const wakeup = new Wakeup();
    const onPublished = () => wakeup.wake();
    this.published.on(topic, onPublished);

    const commit = (to: number) =>
      db.execute(
        `UPDATE "eventbus"."consumer_offset" SET "offset" = $3, updated_at = now() WHERE group_name = $1 AND topic = $2`,
        [options.group, topic, to],
      );

    const run = async () => {
      while (!stopped) {
        let handledUpTo = offset;
        try {
          const rows = await db.query<{ offset: string | number; event: unknown }>(
            `SELECT "offset", event FROM "eventbus"."event_log" WHERE topic = $1 AND "offset" > $2 ORDER BY "offset" LIMIT $3`,
            [topic, offset, this.batchSize],
          );
          for (const row of rows) {
            if (stopped) break;
            await options.handle(deliveryOf(topic, row.event));
            handledUpTo = Number(row.offset);
          }
          if (handledUpTo > offset) {
            await commit(handledUpTo);
            offset = handledUpTo;
          }
          if (rows.length < this.batchSize) await wakeup.sleep(this.pollMs);
        } catch (error) {
          // The handler could not even record a failure (its database is down):
          // keep what was handled and try the rest again shortly.
          if (handledUpTo > offset) {
            await commit(handledUpTo).catch(() => undefined);
            offset = handledUpTo;
          }
          logger.warn({ err: error, group: options.group, topic }, "event delivery failed; retrying");
          await wakeup.sleep(this.pollMs);
        }
      }
    };
    const running = run();
    return {
      async stop() {
        stopped = true;
        wakeup.wake();
        await running;
      },
      lag: async () => {
        const [row] = await db.query<{ lag: string | number }>(
          `SELECT count(*) AS lag FROM "eventbus"."event_log" WHERE topic = $1 AND "offset" > $2`,
          [topic, offset],
        );
        return Number(row?.lag ?? 0);
      },
    };
  }

  /** At most once a minute: drop events past retention. */
  private async pruneNow() {
    const retentionMs = this.options.retentionMs ?? 7 * 24 * 3600_000;
    if (Date.now() - this.lastPrune < 60_000) return;
    this.lastPrune = Date.now();
    await this.options.db.execute(`DELETE FROM "eventbus"."event_log" WHERE appended_at < $1`, [
      new Date(Date.now() - retentionMs),
    ]);
  }
}
