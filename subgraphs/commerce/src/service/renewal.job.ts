import type { Logger } from "@campus/logging";
import { BackgroundJob } from "@campus/subgraph";
import type { BillingService, Clock } from "./billing.service";

export interface RenewalJobOptions {
  intervalMs: number;
  /** Subscriptions one sweep handles at most (the rest wait for the next). */
  batch: number;
}

/**
 * Renews subscriptions in the background of every commerce replica: each
 * sweep takes the subscriptions whose `dueAt` has come (period ended, retry
 * due, first charge unanswered) one at a time, each claimed with
 * `FOR UPDATE SKIP LOCKED` in the transaction that pushes its `dueAt` past
 * the charge in flight (BillingService.collectNextDue). Replicas sweeping at
 * once share the work and never take the same subscription; no lease is
 * needed, the row lock is the claim.
 */
export class RenewalJob {
  private readonly job: BackgroundJob;

  constructor(
    private readonly billing: BillingService,
    private readonly clock: Clock,
    private readonly options: RenewalJobOptions,
    private readonly logger: Logger,
  ) {
    this.job = new BackgroundJob({
      name: "subscription renewal sweep",
      everyMs: options.intervalMs,
      firstAfterMs: options.intervalMs,
      pass: () => this.sweep(),
      logger,
    });
  }

  start(): void {
    this.job.start();
  }

  stop(): Promise<void> {
    return this.job.stop();
  }

  /**
   * One pass at `now` (tests pass a time instead of waiting for it); returns
   * the subscriptions it visited. Each is claimed in a short transaction of
   * its own; the provider is never called while a row is locked.
   */
  async sweep(now = this.clock.now()): Promise<string[]> {
    const visited: string[] = [];
    while (visited.length < this.options.batch) {
      try {
        const id = await this.billing.collectNextDue(now, visited);
        if (!id) break;
        visited.push(id);
      } catch (error) {
        const id = (error as { subscriptionId?: string | null }).subscriptionId;
        // one that keeps failing must not hold up the others; its dueAt is unchanged, the next sweep tries again
        this.logger.error({ err: error, subscriptionId: id }, "could not renew a subscription; next sweep tries again");
        if (!id) break;
        visited.push(id);
      }
    }
    return visited;
  }
}
