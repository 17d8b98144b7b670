import { randomUUID } from "node:crypto";
import { viewerIsAdmin, type Viewer } from "@campus/auth";
import { badInput, conflict, notFound, unauthenticated } from "@campus/errors";
import {
  orderRefunded,
  refundFailed,
  refundRequested,
  refundSucceeded,
  type Emit,
  type UnitOfWork,
} from "@campus/events";
import type { Logger } from "@campus/logging";
import { LoaderRegistry } from "@campus/subgraph";
import type { CommerceTx, OrderRow } from "../data/commerce.prisma";
import type { OrderRepository } from "../data/order.repository";
import { OrderWrites, type LockedOrder } from "../data/order.writes";
import { refundedItems } from "../events/order.publisher";
import {
  ProviderRequestError,
  ProviderUnavailableError,
  type PaymentProvider,
  type ProviderRefund,
} from "../payments/payment-provider";
import { buyerRefundRefusal, statusAfterRefund, type RefundPolicy } from "./refund.policy";

/** Orders whose (fulfilled, unrefunded) items may be refunded. */
const REFUNDABLE: OrderRow["status"][] = ["FULFILLED", "PARTIALLY_REFUNDED"];

/**
 * Refunds: asked for by the buyer (within the policy) or an admin, or opened
 * by Campus itself when an order cannot be fulfilled or money arrived for a
 * closed order. A refund is written PENDING with its items in one
 * transaction, submitted to the provider after commit (its id is the
 * idempotency key, so resubmitting never refunds twice), and settled by the
 * provider's answer or webhook, whichever comes first.
 */
export class RefundService {
  constructor(
    private readonly orders: OrderRepository,
    private readonly work: UnitOfWork<CommerceTx>,
    private readonly provider: PaymentProvider,
    private readonly policy: RefundPolicy,
    private readonly logger: Logger,
  ) {}

  async request(
    viewer: Viewer,
    loaders: LoaderRegistry,
    orderId: string,
    itemIds: string[] | null | undefined,
    reason: string | null | undefined,
  ): Promise<OrderRow> {
    if (!viewer.userId) throw unauthenticated();
    const admin = viewerIsAdmin(viewer);
    const found = await this.orders.byId(loaders, orderId);
    // Someone else's order is as unknown as a missing one: ids cannot be probed.
    if (!found || (found.userId !== viewer.userId && !admin)) throw notFound("Order");
    if (reason && reason.length > 500) throw badInput("`reason` is at most 500 characters", { field: "reason" });

    // Read before the transaction: a read beside an open transaction would wait for it on PGlite's one connection.
    const progress = admin ? [] : await this.orders.progressIn(found.userId);
    const refundId = await this.work.run(async (tx, emit) => {
      const writes = new OrderWrites(tx);
      const order = (await writes.lockOrder(orderId))!;
      if (!REFUNDABLE.includes(order.status)) {
        throw conflict(
          order.status === "PAID"
            ? "The order is still being fulfilled; try again in a moment"
            : `An order in status ${order.status} cannot be refunded`,
          { reason: "NOT_REFUNDABLE" },
        );
      }
      const items = this.pickItems(order, itemIds);
      if (!admin) {
        const refunded = progress.filter((entry) => items.some((item) => item.courseId === entry.courseId));
        const refusal = buyerRefundRefusal(this.policy, order.paidAt ?? order.createdAt, new Date(), refunded);
        if (refusal) throw conflict(refusal.message, { reason: refusal.reason });
      }
      return this.open(writes, emit, order, items, reason ?? null, viewer.userId);
    });
    await this.submit(refundId);
    // Read after the write: nothing this request loaded before may answer.
    return (await this.orders.byId(new LoaderRegistry(), orderId))!;
  }

  /**
   * Opens a PENDING refund of `items` inside the caller's transaction (the
   * order is locked); submit it after commit. Returns its id.
   */
  async open(
    writes: OrderWrites,
    emit: Emit,
    order: LockedOrder,
    items: LockedOrder["items"],
    reason: string | null,
    requestedBy: string | null,
  ): Promise<string> {
    const payment = (await writes.paymentsOf(order.id)).find((row) => row.status === "SUCCEEDED");
    if (!payment) throw conflict("The order has no successful payment to refund", { reason: "NOT_REFUNDABLE" });
    const itemIds = items.map((item) => item.id);
    const refund = await writes.createRefund({
      id: randomUUID(),
      orderId: order.id,
      paymentId: payment.id,
      amount: items.reduce((sum, item) => sum + item.priceAmount, 0),
      currency: order.currency,
      reason,
      requestedBy,
      itemIds,
    });
    await writes.markItemsRefunding(itemIds, refund.id);
    await writes.addTimeline(order.id, "REFUND_REQUESTED", reason ?? undefined);
    emit(refundRequested, refund.id, this.facts(order, refund.id, refund.amount, reason, itemIds));
    return refund.id;
  }

  /** Sends a PENDING refund to the provider; safe to repeat (same idempotency key). */
  async submit(refundId: string): Promise<void> {
    const refund = await this.orders.refundById(refundId);
    if (!refund || refund.status !== "PENDING") return;
    const payment = await this.orders.paymentById(refund.paymentId);
    if (!payment?.providerPaymentId) return;
    let answer: ProviderRefund;
    try {
      answer = await this.provider.refund({
        paymentId: payment.providerPaymentId,
        amount: refund.amount,
        idempotencyKey: `campus-refund-${refund.id}`,
        metadata: { refundId: refund.id, orderId: refund.orderId },
      });
    } catch (error) {
      if (error instanceof ProviderUnavailableError) {
        this.logger.warn({ err: error, refundId }, "refund not submitted; the reconciler retries");
        return;
      }
      if (error instanceof ProviderRequestError) {
        this.logger.error({ err: error, refundId }, "provider refused the refund");
        answer = {
          id: "",
          paymentId: payment.providerPaymentId,
          status: "FAILED",
          amount: refund.amount,
          metadata: { refundId },
        };
      } else throw error;
    }
    await this.settle(answer);
  }

  /**
   * Applies the provider's answer or webhook about a refund. Only a PENDING
   * refund changes, so a repeated or late notice changes nothing.
   */
  async settle(answer: ProviderRefund, tx?: { writes: OrderWrites; emit: Emit }): Promise<void> {
    if (!tx) return this.work.run((t, emit) => this.settle(answer, { writes: new OrderWrites(t), emit }));
    const { writes, emit } = tx;
    const known =
      (answer.metadata.refundId ? await writes.refundById(answer.metadata.refundId) : null) ??
      (answer.id ? await writes.refundByProviderId(answer.id) : null);
    if (!known) {
      this.logger.warn({ providerRefundId: answer.id }, "provider reported a refund Campus does not know");
      return;
    }
    const order = (await writes.lockOrder(known.orderId))!;
    const refund = (await writes.refundById(known.id))!;
    if (answer.id && !refund.providerRefundId) await writes.updateRefund(refund.id, { providerRefundId: answer.id });
    if (refund.status !== "PENDING" || answer.status === "PENDING") return;

    const facts = this.facts(order, refund.id, refund.amount, refund.reason, refund.itemIds);
    if (answer.status === "FAILED") {
      await writes.updateRefund(refund.id, { status: "FAILED" });
      await writes.settleRefundItems(refund.itemIds, null);
      await writes.addTimeline(order.id, "REFUND_FAILED");
      emit(refundFailed, refund.id, facts);
      this.logger.error({ refundId: refund.id, orderId: order.id }, "refund failed");
      return;
    }
    const now = new Date();
    await writes.updateRefund(refund.id, { status: "SUCCEEDED" });
    await writes.settleRefundItems(refund.itemIds, now);
    // Seats still held for items that never became enrollments come back now; enrolled ones when enrollment ends them.
    await writes.releaseHolds(order.items.filter((item) => refund.itemIds.includes(item.id)));
    const items = order.items.map((item) => (refund.itemIds.includes(item.id) ? { ...item, refundedAt: now } : item));
    const refundedStatus = statusAfterRefund(items);
    // An order closed before it was paid (money that arrived late) keeps its status; its payment is refunded.
    const closed = order.status === "CANCELLED" || order.status === "PAYMENT_FAILED";
    if (!closed) await writes.setStatus(order.id, refundedStatus);
    if (refundedStatus === "REFUNDED") await writes.refundPayment(refund.paymentId);
    await writes.addTimeline(order.id, "REFUNDED", `${refund.amount} ${refund.currency}`);
    emit(refundSucceeded, refund.id, facts);
    emit(orderRefunded, order.id, { ...facts, orderStatus: refundedStatus });
    this.logger.info({ refundId: refund.id, orderId: order.id, amount: refund.amount }, "refund succeeded");
  }

  private pickItems(order: LockedOrder, itemIds: string[] | null | undefined) {
    const open = (item: LockedOrder["items"][number]) => item.refundedAt === null && item.refundId === null;
    if (!itemIds) {
      const items = order.items.filter((item) => open(item) && item.fulfilledAt !== null);
      if (items.length === 0) throw conflict("Nothing left to refund in this order", { reason: "NOTHING_TO_REFUND" });
      return items;
    }
    if (itemIds.length === 0) throw badInput("`itemIds` is empty; omit it to refund every item", { field: "itemIds" });
    const items = [...new Set(itemIds)].map((id) => {
      const item = order.items.find((candidate) => candidate.id === id);
      if (!item) throw badInput(`Item ${id} is not part of this order`, { field: "itemIds" });
      if (!open(item))
        throw conflict(`Item ${id} is already refunded or being refunded`, { reason: "ALREADY_REFUNDED" });
      if (!item.fulfilledAt)
        throw conflict("The order is still being fulfilled; try again in a moment", { reason: "NOT_REFUNDABLE" });
      return item;
    });
    return items;
  }

  private facts(order: LockedOrder, refundId: string, amount: number, reason: string | null, itemIds: string[]) {
    return {
      refundId,
      orderId: order.id,
      userId: order.userId,
      amount: { amount, currency: order.currency },
      reason,
      items: refundedItems(order, itemIds),
    };
  }
}
