import type { Database } from "@campus/database";
import type { SharedStore } from "@campus/kv";
import type { Logger } from "@campus/logging";
import type { EventConsumer } from "./consumer";
import { Outbox } from "./outbox";
import { OutboxRelay } from "./relay";
import type { EventTransport } from "./transport";

export interface SubgraphEventsOptions {
  /** The subgraph's name: its database schema and its CloudEvents source. */
  subgraph: string;
  db: Database;
  transport: EventTransport;
  store: SharedStore;
  logger: Logger;
  pollMs?: number;
}

/**
 * A subgraph's part in the event backbone: its outbox, the relay that
 * publishes it, and the consumers it runs. The composition root creates one,
 * adds consumers, and starts and stops it with the HTTP server.
 */
export class SubgraphEvents {
  readonly outbox: Outbox;
  readonly relay: OutboxRelay;
  private readonly consumers: EventConsumer<unknown>[] = [];

  constructor(private readonly options: SubgraphEventsOptions) {
    this.outbox = new Outbox(options.subgraph, `/campus/${options.subgraph}`);
    this.relay = new OutboxRelay({
      outbox: this.outbox,
      db: options.db,
      transport: options.transport,
      store: options.store,
      logger: options.logger,
      pollMs: options.pollMs,
    });
  }

  consume<TX>(consumer: EventConsumer<TX>): void {
    this.consumers.push(consumer as EventConsumer<unknown>);
  }

  async start(): Promise<void> {
    this.relay.start();
    for (const consumer of this.consumers) await consumer.start(this.options.transport);
  }

  async stop(): Promise<void> {
    for (const consumer of this.consumers) await consumer.stop();
    await this.relay.stop();
  }

  /** Outbox lag, consumer lag, retries and dead letters, for /health/ready and metrics. */
  async health(): Promise<Record<string, unknown>> {
    const consumers: Record<string, unknown> = {};
    for (const consumer of this.consumers) consumers[consumer.group] = await consumer.stats();
    return { transport: this.options.transport.kind, outbox: await this.relay.stats(), consumers };
  }
}
