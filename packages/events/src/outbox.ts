import type { z } from "zod";
import type { EventDefinition } from "./event-registry";
import type { CampusEvent } from "./envelope";
import { qualified, type SqlExecutor } from "./sql";

export type Emit = <S extends z.ZodType>(definition: EventDefinition<S>, subject: string, data: z.infer<S>) => void;

/**
 * A subgraph's outbox: events are rows in its own database, written in the
 * same transaction as the change that caused them, so a change is never
 * committed without its event nor an event published for a change that
 * rolled back. The relay publishes them afterwards.
 *
 * Write the state change before emitting: the change locks the aggregate's
 * row, so two transactions on one aggregate commit in the order their outbox
 * rows are numbered, and the relay's `seq` order is the aggregate's order.
 */
export class Outbox {
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly schema: string,
    /** CloudEvents `source`, e.g. `/campus/catalog`. */
    readonly source: string,
  ) {}

  /**
   * Runs `work` inside the caller's transaction (`begin`, e.g.
   * `(w) => prisma.$transaction(w)`); events it emits are written before
   * commit, and the relay is woken after it.
   */
  async transaction<TX, T>(
    begin: (work: (tx: TX) => Promise<T>) => Promise<T>,
    sql: (tx: TX) => SqlExecutor,
    work: (tx: TX, emit: Emit) => Promise<T>,
  ): Promise<T> {
    let emitted = 0;
    const result = await begin(async (tx) => {
      const events: { topic: string; event: CampusEvent }[] = [];
      const value = await work(tx, (definition, subject, data) =>
        events.push({ topic: definition.topic, event: definition.create(this.source, subject, data) }),
      );
      await this.append(sql(tx), events);
      emitted = events.length;
      return value;
    });
    if (emitted > 0) for (const listener of this.listeners) listener();
    return result;
  }

  /** Writes events in the caller's transaction, in order. */
  async append(sql: SqlExecutor, events: { topic: string; event: CampusEvent }[]): Promise<void> {
    if (events.length === 0) return;
    const values: string[] = [];
    const params: unknown[] = [];
    for (const { topic, event } of events) {
      const at = params.length;
      values.push(`($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}::jsonb)`);
      params.push(event.id, topic, event.subject, event.type, JSON.stringify(event));
    }
    await sql.execute(
      `INSERT INTO ${qualified(this.schema, "OutboxEvent")} ("eventId", topic, subject, type, event) VALUES ${values.join(", ")}`,
      params,
    );
  }

  /** Called after a commit that wrote events (the relay subscribes). */
  onCommitted(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
