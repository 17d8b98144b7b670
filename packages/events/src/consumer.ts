import type { Database } from "@campus/database";
import type { Logger } from "@campus/logging";
import type { z } from "zod";
import { MalformedEventError, parseEvent, type EventDefinition } from "./event-registry";
import type { CampusEvent } from "./envelope";
import type { Emit } from "./outbox";
import { qualified } from "./sql";
import type { UnitOfWork } from "./unit-of-work";
import type { Delivery, EventTransport, Subscription } from "./transport";
import { backoffDelay, Wakeup } from "./wakeup";

/**
 * Applies one event inside the consumer's transaction; `emit` appends the
 * consumer's own events to its subgraph's outbox in that same transaction.
 */
export type EventHandler<TX, Data = unknown> = (event: CampusEvent<Data>, tx: TX, emit: Emit) => Promise<void>;

export interface HandlerEntry<TX> {
  definition: EventDefinition;
  handle: EventHandler<TX>;
}

/** Pairs an event definition with its handler, typing the handler's event. */
export function on<TX, S extends z.ZodType>(
  definition: EventDefinition<S>,
  handle: EventHandler<TX, z.infer<S>>,
): HandlerEntry<TX> {
  return { definition: definition as EventDefinition, handle: handle as EventHandler<TX> };
}

export interface ConsumerOptions<TX> {
  /** Consumer group, e.g. `enrollment.course-projection`. */
  group: string;
  /** The consumer's own database and the schema holding ProcessedEvent and DeadLetterEvent. */
  db: Database;
  /** The subgraph's unit of work: each event is applied in one of its transactions. */
  work: UnitOfWork<TX>;
  handlers: HandlerEntry<TX>[];
  logger: Logger;
  /** Attempts before an event goes to the dead-letter table. */
  maxAttempts?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How often dead letters marked for replay are looked for. */
  replayPollMs?: number;
}

export interface ConsumerStats {
  processed: number;
  duplicates: number;
  retries: number;
  deadLettered: number;
  replayed: number;
}

/**
 * Applies events effectively once: the transport delivers at least once, and
 * the handler's effect is committed in the same transaction as the event's id
 * in ProcessedEvent, so a redelivered event finds its id and changes nothing.
 *
 * A failing handler is retried with exponential backoff and jitter; after
 * `maxAttempts` the event is written to DeadLetterEvent with the error and the
 * consumer moves on, so a poison event holds up its partition for seconds, not
 * forever. `pnpm events:replay` marks dead letters for replay; the running
 * consumer picks them up.
 */
export class EventConsumer<TX> {
  private readonly handlers: Map<string, EventHandler<TX>>;
  private readonly maxAttempts: number;
  private readonly processedTable: string;
  private readonly deadLetterTable: string;
  private readonly counters: ConsumerStats = { processed: 0, duplicates: 0, retries: 0, deadLettered: 0, replayed: 0 };
  private subscription?: Subscription;
  private stopped = false;
  private readonly wakeup = new Wakeup();
  private replayLoop?: Promise<void>;

  constructor(private readonly options: ConsumerOptions<TX>) {
    this.handlers = new Map(options.handlers.map((entry) => [entry.definition.type, entry.handle]));
    this.maxAttempts = options.maxAttempts ?? 5;
    this.processedTable = qualified(options.db.schema, "ProcessedEvent");
    this.deadLetterTable = qualified(options.db.schema, "DeadLetterEvent");
  }

  get group(): string {
    return this.options.group;
  }

  get topics(): string[] {
    return [...new Set(this.options.handlers.map((entry) => entry.definition.topic))];
  }

  async start(transport: EventTransport): Promise<void> {
    this.stopped = false;
    this.subscription = await transport.subscribe({
      group: this.options.group,
      topics: this.topics,
      handle: (delivery) => this.deliver(delivery),
    });
    this.replayLoop = this.replayRequested();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeup.wake();
    await this.subscription?.stop();
    await this.replayLoop;
  }

  async stats(): Promise<ConsumerStats & { lag: number; deadLetters: number }> {
    const [row] = await this.options.db.query<{ count: string | number }>(
      `SELECT count(*) AS count FROM ${this.deadLetterTable} WHERE "consumerGroup" = $1 AND "replayedAt" IS NULL`,
      [this.options.group],
    );
    return {
      ...this.counters,
      lag: (await this.subscription?.lag()) ?? 0,
      deadLetters: Number(row?.count ?? 0),
    };
  }

  /**
   * What the transport calls for each delivered event. Resolves once the
   * event is applied, was a duplicate, is not for this consumer, or went to
   * the dead-letter table; rejects only when even that could not be written.
   */
  async deliver(delivery: Delivery): Promise<void> {
    let event: CampusEvent;
    try {
      event = parseEvent(delivery.event);
    } catch (error) {
      if (!(error instanceof MalformedEventError)) throw error;
      return this.deadLetter(delivery.topic, delivery.event, error, 1);
    }
    const handle = this.handlers.get(event.type);
    if (!handle) {
      // Another version of an event this group handles: skipping it would lose the fact silently,
      // so it waits in the dead letters (replayable once a consumer knows the version).
      const unknownVersion = this.unknownVersionOf(event.type);
      if (unknownVersion) return this.deadLetter(delivery.topic, event, new MalformedEventError(unknownVersion), 1);
      return;
    }
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.apply(event, handle);
        return;
      } catch (error) {
        if (attempt >= this.maxAttempts || this.stopped) {
          if (this.stopped && attempt < this.maxAttempts) throw error;
          return this.deadLetter(delivery.topic, event, error, attempt);
        }
        this.counters.retries += 1;
        this.options.logger.warn(
          { err: error, group: this.options.group, eventId: event.id, type: event.type, attempt },
          "event handler failed; retrying",
        );
        await this.wakeup.sleep(
          backoffDelay(attempt, this.options.retryBaseMs ?? 100, this.options.retryMaxMs ?? 5000),
        );
      }
    }
  }

  private async apply(event: CampusEvent, handle: EventHandler<TX>): Promise<boolean> {
    const { work } = this.options;
    const applied = await work.run(async (tx, emit) => {
      const fresh = await work
        .sql(tx)
        .execute(
          `INSERT INTO ${this.processedTable} ("consumerGroup", "eventId") VALUES ($1, $2) ON CONFLICT DO NOTHING`,
          [this.options.group, event.id],
        );
      if (fresh === 0) return false;
      await handle(event, tx, emit);
      return true;
    });
    if (applied) this.counters.processed += 1;
    else this.counters.duplicates += 1;
    return applied;
  }

  /** The reason to dead-letter `type` when the group handles another version of it (`….v1` vs `….v2`). */
  private unknownVersionOf(type: string): string | null {
    const stem = type.replace(/\.v\d+$/, "");
    const known = [...this.handlers.keys()].filter((handled) => handled.replace(/\.v\d+$/, "") === stem);
    return known.length ? `unknown version ${type}: this consumer handles ${known.join(", ")}` : null;
  }

  private async deadLetter(topic: string, event: unknown, error: unknown, attempts: number): Promise<void> {
    const envelope = (event ?? {}) as Partial<CampusEvent>;
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    await this.options.db.execute(
      `INSERT INTO ${this.deadLetterTable} (id, "consumerGroup", "eventId", type, topic, event, error, attempts)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5::jsonb, $6, $7)
       ON CONFLICT ("consumerGroup", "eventId") DO UPDATE
         SET error = EXCLUDED.error, attempts = ${this.deadLetterTable}.attempts + EXCLUDED.attempts,
             "failedAt" = now(), "replayRequestedAt" = NULL, "replayedAt" = NULL`,
      [
        this.options.group,
        String(envelope.id ?? "unknown"),
        String(envelope.type ?? "unknown"),
        topic,
        JSON.stringify(event ?? null),
        message.slice(0, 2000),
        attempts,
      ],
    );
    this.counters.deadLettered += 1;
    this.options.logger.error(
      { err: error, group: this.options.group, eventId: envelope.id, type: envelope.type, attempts },
      "event dead-lettered",
    );
  }

  /** Dead letters someone marked for replay (`pnpm events:replay`) are applied again. */
  private async replayRequested() {
    const pollMs = this.options.replayPollMs ?? 5000;
    while (!this.stopped) {
      try {
        const rows = await this.options.db.query<{ id: string; topic: string; event: unknown }>(
          `SELECT id, topic, event FROM ${this.deadLetterTable}
           WHERE "consumerGroup" = $1 AND "replayRequestedAt" IS NOT NULL AND "replayedAt" IS NULL
           ORDER BY "failedAt" LIMIT 100`,
          [this.options.group],
        );
        for (const row of rows) await this.replay(row);
      } catch (error) {
        this.options.logger.warn({ err: error, group: this.options.group }, "dead-letter replay failed");
      }
      await this.wakeup.sleep(pollMs);
    }
  }

  private async replay(row: { id: string; topic: string; event: unknown }) {
    const raw = typeof row.event === "string" ? JSON.parse(row.event) : row.event;
    try {
      const event = parseEvent(raw);
      const handle = this.handlers.get(event.type);
      if (handle) await this.apply(event, handle);
      await this.options.db.execute(`UPDATE ${this.deadLetterTable} SET "replayedAt" = now() WHERE id = $1`, [row.id]);
      this.counters.replayed += 1;
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      await this.options.db.execute(
        `UPDATE ${this.deadLetterTable}
         SET error = $2, attempts = attempts + 1, "failedAt" = now(), "replayRequestedAt" = NULL WHERE id = $1`,
        [row.id, message.slice(0, 2000)],
      );
    }
  }
}

/** Marks dead letters for replay; the running consumer applies them. Returns how many were marked. */
export async function requestReplay(
  db: Pick<Database, "execute" | "schema">,
  filter: { group?: string; eventId?: string } = {},
): Promise<number> {
  const table = qualified(db.schema, "DeadLetterEvent");
  return db.execute(
    `UPDATE ${table} SET "replayRequestedAt" = now()
     WHERE "replayedAt" IS NULL AND ($1::text IS NULL OR "consumerGroup" = $1) AND ($2::text IS NULL OR "eventId" = $2)`,
    [filter.group ?? null, filter.eventId ?? null],
  );
}
