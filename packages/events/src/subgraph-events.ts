import type { Database } from "@campus/database";
import type { SharedStore } from "@campus/kv";
import type { Logger } from "@campus/logging";
import { EventConsumer, type HandlerEntry } from "./consumer";
import { Outbox } from "./outbox";
import { OutboxRelay } from "./relay";
import type { EventTransport } from "./transport";
import type { UnitOfWork } from "./unit-of-work";

export interface SubgraphEventsOptions<TX> {
  /** The subgraph's name: its database schema and its CloudEvents source. */
  subgraph: string;
  db: Database;
  transport: EventTransport;
  store: SharedStore;
  logger: Logger;
  /** Builds the subgraph's unit of work over its outbox. */
  unitOfWork: (outbox: Outbox) => UnitOfWork<TX>;
  pollMs?: number;
  /** Handler attempts before an event is dead-lettered. */
  maxAttempts?: number;
}

/**
 * A subgraph's part in the event backbone: its outbox and unit of work, the
 * relay that publishes the outbox, and the consumers it runs. The subgraph
 * kit creates one per subgraph and starts and stops it with the HTTP server.
 */
export class SubgraphEvents<TX = unknown> {
  readonly outbox: Outbox;
  readonly relay: OutboxRelay;
  /** Writes with their events: see UnitOfWork. */
  readonly work: UnitOfWork<TX>;
  private readonly consumers: EventConsumer<TX>[] = [];

  constructor(private readonly options: SubgraphEventsOptions<TX>) {
    this.outbox = new Outbox(options.subgraph, `/campus/${options.subgraph}`);
    this.work = options.unitOfWork(this.outbox);
    this.relay = new OutboxRelay({
      outbox: this.outbox,
      db: options.db,
      transport: options.transport,
      store: options.store,
      logger: options.logger,
      pollMs: options.pollMs,
    });
  }

  /** Runs a consumer group in this subgraph: each event applied once, in a transaction of the unit of work. */
  consume(group: string, handlers: HandlerEntry<TX>[]): EventConsumer<TX> {
    const consumer = new EventConsumer<TX>({
      group,
      db: this.options.db,
      work: this.work,
      handlers,
      logger: this.options.logger,
      maxAttempts: this.options.maxAttempts,
    });
    this.consumers.push(consumer);
    return consumer;
  }

  async start(): Promise<void> {
    this.relay.start();
    for (const consumer of this.consumers) await consumer.start(this.options.transport);
  }

  async stop(): Promise<void> {
    // together: a Kafka consumer's stop waits out its fetch in flight (up to maxWaitTimeMs) and leaves its group
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
    await this.relay.stop();
  }

  /** Outbox lag, consumer lag, retries and dead letters, for /health/ready and metrics. */
  async health(): Promise<Record<string, unknown>> {
    const consumers: Record<string, unknown> = {};
    for (const consumer of this.consumers) consumers[consumer.group] = await consumer.stats();
    return { transport: this.options.transport.kind, outbox: await this.relay.stats(), consumers };
  }

  /** Unpublished outbox rows plus what the consumers have not applied yet. */
  async pending(): Promise<{ unpublished: number; lag: number }> {
    const [stats, lags] = await Promise.all([
      this.relay.stats(),
      Promise.all(this.consumers.map(async (consumer) => (await consumer.stats()).lag)),
    ]);
    return { unpublished: stats.pending, lag: lags.reduce((sum, lag) => sum + lag, 0) };
  }
}
