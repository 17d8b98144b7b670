import { randomUUID } from "node:crypto";
import type { SharedStore } from "@campus/kv";
import type { Logger } from "@campus/logging";
import type { CommercePrisma } from "../data/commerce.prisma";
import { BillingWrites } from "../data/billing.writes";
import type { BillingService, Clock } from "./billing.service";

export interface RenewalJobOptions {
  intervalMs: number;
  /** Subscriptions one sweep handles at most (the rest wait for the next). */
  batch: number;
}

/**
 * Renews subscriptions in the background of every commerce replica: each
 * sweep takes the subscriptions whose `dueAt` has come (period ended, retry
 * due, first charge unanswered) one at a time, claimed with
 * `FOR UPDATE SKIP LOCKED`, so replicas sweeping at once share the work and
 * never take the same subscription; BillingService.collect then re-checks
 * under the row lock and pushes `dueAt` past the charge in flight. A short
 * lease in the shared store spares the database the work of replicas that
 * would find nothing.
 */
export class RenewalJob {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = true;
  private readonly owner = randomUUID();

  constructor(
    private readonly prisma: CommercePrisma,
    private readonly billing: BillingService,
    private readonly store: SharedStore,
    private readonly clock: Clock,
    private readonly options: RenewalJobOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(this.options.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * One pass at `now` (tests pass a time instead of waiting for it); returns
   * the subscriptions it visited. Each is claimed and released in a short
   * transaction of its own; the provider is never called while a row is locked.
   */
  async sweep(now = this.clock.now()): Promise<string[]> {
    const lease = "commerce:renewal-job";
    if (!(await this.store.setIfAbsent(lease, this.owner, Math.max(this.options.intervalMs * 5, 30_000)))) return [];
    const visited: string[] = [];
    try {
      while (visited.length < this.options.batch) {
        const id = await this.prisma.$transaction((tx) => new BillingWrites(tx).claimDue(now, visited));
        if (!id) break;
        visited.push(id);
        try {
          await this.billing.collect(id, now);
        } catch (error) {
          // one that keeps failing must not hold up the others; its dueAt is unchanged, the next sweep tries again
          this.logger.error(
            { err: error, subscriptionId: id },
            "could not renew a subscription; next sweep tries again",
          );
        }
      }
      return visited;
    } finally {
      await this.store.compareAndSet(lease, this.owner, "released", 1);
    }
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.sweep()
        .catch((error) => this.logger.error({ err: error }, "subscription renewal sweep failed"))
        .finally(() => {
          if (!this.stopped) this.schedule(this.options.intervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }
}
