import { randomUUID } from "node:crypto";
import type { SharedStore } from "@campus/kv";
import type { Logger } from "@campus/logging";
import { BackgroundJob } from "@campus/subgraph";
import type { OrderRepository } from "../data/order.repository";
import type { PaymentService } from "./payment.service";
import type { RefundService } from "./refund.service";

export interface ReconcilerOptions {
  intervalMs: number;
  /** A payment with no outcome for this long is asked about (or charged again with its key). */
  staleAfterMs: number;
}

const BATCH = 50;

/**
 * The saga's safety net, run in the background of every commerce replica:
 * payments whose answer was lost (a timeout, a crash between commit and the
 * provider call) are asked about again with the same idempotency key;
 * orders whose seat hold expired are closed; refunds never submitted (opened
 * by a consumer, or the provider was down) are submitted. Every step is
 * idempotent; a lease in the shared store keeps replicas from sweeping at once.
 */
export class PaymentReconciler {
  private readonly job: BackgroundJob;
  private readonly owner = randomUUID();

  constructor(
    private readonly orders: OrderRepository,
    private readonly payments: PaymentService,
    private readonly refunds: RefundService,
    private readonly store: SharedStore,
    private readonly options: ReconcilerOptions,
    private readonly logger: Logger,
  ) {
    this.job = new BackgroundJob({
      name: "payment reconciliation",
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

  /** Sweeps soon: a beat later, since refunds opened inside a consumer's transaction wait for its commit. */
  kick(): void {
    setTimeout(() => this.job.nudge(), 100).unref();
  }

  /** One pass; returns what it touched (tests and `pnpm` tools call it directly). */
  async sweep(now = new Date()): Promise<{ payments: number; expired: number; refunds: number }> {
    const lease = "commerce:payment-reconciler";
    if (!(await this.store.setIfAbsent(lease, this.owner, Math.max(this.options.intervalMs * 5, 30_000)))) {
      return { payments: 0, expired: 0, refunds: 0 };
    }
    try {
      const stale = await this.orders.unansweredPayments(new Date(now.getTime() - this.options.staleAfterMs), BATCH);
      await this.each(stale, "payment", (payment) => this.payments.reconcile(payment));
      const expired = await this.orders.expiredHolds(now, BATCH);
      await this.each(expired, "expired order", (order) => this.payments.expire(order.id));
      const refunds = await this.orders.pendingRefunds(now, BATCH);
      await this.each(refunds, "refund", (refund) => this.refunds.submit(refund.id));
      return { payments: stale.length, expired: expired.length, refunds: refunds.length };
    } finally {
      await this.store.compareAndSet(lease, this.owner, "released", 1);
    }
  }

  /** One item that keeps failing must not hold up the ones after it, sweep after sweep. */
  private async each<T extends { id: string }>(items: T[], what: string, work: (item: T) => Promise<void>) {
    for (const item of items) {
      try {
        await work(item);
      } catch (error) {
        this.logger.error({ err: error, id: item.id }, `could not reconcile a ${what}; next sweep tries again`);
      }
    }
  }
}
