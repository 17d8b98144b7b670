import { randomUUID } from "node:crypto";
import type { Database } from "@campus/database";
import type { SharedStore } from "@campus/kv";
import type { Logger } from "@campus/logging";
import type { CampusEvent } from "./envelope";
import type { Outbox } from "./outbox";
import { qualified } from "./sql";
import type { EventTransport } from "./transport";
import { Wakeup } from "./wakeup";

export interface RelayOptions {
  outbox: Outbox;
  /** The outbox's database (the subgraph's own). */
  db: Database;
  transport: EventTransport;
  /** Holds the relay lease (Redis in production, in-process when embedded). */
  store: SharedStore;
  logger: Logger;
  batchSize?: number;
  pollMs?: number;
  leaseMs?: number;
  /** Published rows are deleted after this long. */
  retentionMs?: number;
}

export interface RelayStats {
  leader: boolean;
  published: number;
  failures: number;
  /** Unpublished rows and the age of the oldest: the outbox lag. */
  pending: number;
  oldestPendingAgeMs: number;
}

/**
 * Moves outbox rows to the transport in `seq` order and marks them published.
 *
 * Every replica of a subgraph runs a relay, but only the holder of a lease in
 * the shared store publishes; the others stand by and take over within
 * `leaseMs` when it dies. One publisher per outbox is what keeps each
 * aggregate's events in order (parallel relays taking disjoint batches with
 * SKIP LOCKED could publish a later event of an aggregate before an earlier
 * one). Publishing happens outside any database transaction, so a crash
 * between publish and mark publishes those rows again: delivery is at least
 * once, consumers drop the duplicates, and order still holds because every
 * row below the oldest unmarked one was already published.
 */
export class OutboxRelay {
  private readonly id = randomUUID();
  private readonly wakeup = new Wakeup();
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly retentionMs: number;
  private readonly table: string;
  private leader = false;
  private running?: Promise<void>;
  private stopped = false;
  private unsubscribe?: () => void;
  private lastCleanup = 0;
  private published = 0;
  private failures = 0;

  constructor(private readonly options: RelayOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.pollMs = options.pollMs ?? 500;
    this.leaseMs = options.leaseMs ?? 10_000;
    this.retentionMs = options.retentionMs ?? 24 * 3600_000;
    this.table = qualified(options.outbox.schema, "OutboxEvent");
  }

  private get leaseKey() {
    return `events:relay:${this.options.outbox.schema}`;
  }

  start(): void {
    if (this.running) return;
    this.stopped = false;
    this.unsubscribe = this.options.outbox.onCommitted(() => this.wakeup.wake());
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.wakeup.wake();
    await this.running;
    this.running = undefined;
    if (this.leader) await this.options.store.del(this.leaseKey).catch(() => undefined);
    this.leader = false;
  }

  async stats(): Promise<RelayStats> {
    const [row] = await this.options.db.query<{ pending: string | number; oldest: Date | string | null }>(
      `SELECT count(*) AS pending, min("createdAt") AS oldest FROM ${this.table} WHERE "publishedAt" IS NULL`,
    );
    const oldest = row?.oldest ? new Date(row.oldest).getTime() : null;
    return {
      leader: this.leader,
      published: this.published,
      failures: this.failures,
      pending: Number(row?.pending ?? 0),
      oldestPendingAgeMs: oldest === null ? 0 : Math.max(0, Date.now() - oldest),
    };
  }

  /** Publishes one batch; returns how many rows it moved. */
  async relayOnce(): Promise<number> {
    const rows = await this.options.db.query<{ seq: string | number; topic: string; event: unknown }>(
      `SELECT seq, topic, event FROM ${this.table} WHERE "publishedAt" IS NULL ORDER BY seq LIMIT $1`,
      [this.batchSize],
    );
    if (rows.length === 0) return 0;
    await this.options.transport.publish(
      rows.map((row) => ({
        topic: row.topic,
        event: (typeof row.event === "string" ? JSON.parse(row.event) : row.event) as CampusEvent,
      })),
    );
    await this.options.db.execute(`UPDATE ${this.table} SET "publishedAt" = now() WHERE seq = ANY($1::bigint[])`, [
      rows.map((row) => String(row.seq)),
    ]);
    this.published += rows.length;
    return rows.length;
  }

  private async holdLease(): Promise<boolean> {
    const { store } = this.options;
    this.leader = this.leader
      ? await store.compareAndSet(this.leaseKey, this.id, this.id, this.leaseMs)
      : await store.setIfAbsent(this.leaseKey, this.id, this.leaseMs);
    return this.leader;
  }

  private async loop() {
    const { logger } = this.options;
    let leaseCheckedAt = 0;
    while (!this.stopped) {
      try {
        // renew well before the lease runs out, not on every batch
        if (!this.leader || Date.now() - leaseCheckedAt > this.leaseMs / 3) {
          await this.holdLease();
          leaseCheckedAt = Date.now();
        }
        if (!this.leader) {
          await this.wakeup.sleep(this.leaseMs / 2);
          continue;
        }
        const moved = await this.relayOnce();
        await this.cleanup();
        if (moved < this.batchSize) await this.wakeup.sleep(this.pollMs);
      } catch (error) {
        this.failures += 1;
        logger.warn({ err: error, outbox: this.options.outbox.schema }, "outbox relay failed; retrying");
        await this.wakeup.sleep(this.pollMs);
      }
    }
  }

  /** At most once a minute, delete rows published longer ago than the retention. */
  private async cleanup() {
    if (Date.now() - this.lastCleanup < 60_000) return;
    this.lastCleanup = Date.now();
    await this.options.db.execute(`DELETE FROM ${this.table} WHERE "publishedAt" < $1`, [
      new Date(Date.now() - this.retentionMs),
    ]);
  }
}
