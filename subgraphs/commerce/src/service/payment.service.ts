import { orderCancelled, orderPaid, orderPaymentFailed, type Emit, type UnitOfWork } from "@campus/events";
import type { Logger } from "@campus/logging";
import type { CommerceTx, PaymentRow } from "../data/commerce.prisma";
import type { OrderRepository } from "../data/order.repository";
import { OrderWrites } from "../data/order.writes";
import { orderFacts } from "../events/order.publisher";
import {
  ProviderRequestError,
  ProviderUnavailableError,
  type PaymentProvider,
  type ProviderPayment,
} from "../payments/payment-provider";
import type { ProviderNotice } from "../payments/stripe.objects";
import type { RefundService } from "./refund.service";

/**
 * Payments and the order states they drive (docs/commerce.md draws them):
 * PENDING_PAYMENT → PAID (order.paid starts fulfilment) or PAYMENT_FAILED
 * (seats released, the cart kept) or CANCELLED (the seat hold expired).
 *
 * Every outcome — the provider's answer to `charge`, a webhook, the
 * reconciler's question — goes through `apply`, which changes a payment only
 * while it is PENDING, or once more when money arrives after it FAILED (then
 * refunded). So outcomes may arrive twice, late or out of order (a
 * `payment_intent.created` after `succeeded`) and the order ends the same.
 */
export class PaymentService {
  constructor(
    private readonly orders: OrderRepository,
    private readonly work: UnitOfWork<CommerceTx>,
    private readonly provider: PaymentProvider,
    private readonly refunds: RefundService,
    private readonly logger: Logger,
  ) {}

  get providerName(): string {
    return this.provider.name;
  }

  /**
   * Asks the provider to take the payment. The payment's id is the
   * idempotency key, so asking again (a retry, the reconciler after a crash
   * or a timeout) never charges twice. A provider that does not answer leaves
   * the order PENDING_PAYMENT for the reconciler.
   */
  async charge(payment: PaymentRow, orderNumber: string): Promise<void> {
    let answer: ProviderPayment;
    try {
      answer = await this.provider.createPayment({
        amount: payment.amount,
        currency: payment.currency,
        paymentMethod: payment.paymentMethod,
        idempotencyKey: `campus-payment-${payment.id}`,
        metadata: { paymentId: payment.id, orderId: payment.orderId, orderNumber },
      });
    } catch (error) {
      if (error instanceof ProviderUnavailableError) {
        this.logger.warn(
          { err: error, paymentId: payment.id },
          "payment provider did not answer; the reconciler asks again",
        );
        return;
      }
      if (!(error instanceof ProviderRequestError)) throw error;
      // The provider refused the request itself (an unknown payment method): a failed payment, not a crash.
      answer = {
        id: "",
        status: "FAILED",
        amount: payment.amount,
        currency: payment.currency,
        clientSecret: null,
        failureCode: error.code ?? "invalid_request",
        metadata: { paymentId: payment.id, orderId: payment.orderId },
      };
    }
    await this.apply(answer);
  }

  /** A verified webhook: applied once per provider event id. */
  async applyNotice(notice: ProviderNotice): Promise<void> {
    if (notice.kind === "ignored") return;
    const refundsToSubmit: string[] = [];
    await this.work.run(async (tx, emit) => {
      const writes = new OrderWrites(tx);
      if (!(await writes.firstDelivery(notice.eventId, notice.kind))) return;
      if (notice.kind === "refund") await this.refunds.settle(notice.refund, { writes, emit });
      else refundsToSubmit.push(...(await this.applyIn(writes, emit, notice.payment)));
    });
    for (const refundId of refundsToSubmit) await this.refunds.submit(refundId);
  }

  /** The provider's answer about a payment (from `charge` or the reconciler). */
  async apply(answer: ProviderPayment): Promise<void> {
    const refundsToSubmit = await this.work.run((tx, emit) => this.applyIn(new OrderWrites(tx), emit, answer));
    for (const refundId of refundsToSubmit) await this.refunds.submit(refundId);
  }

  /**
   * The seat hold ran out: if the payment succeeded after all, the order is
   * paid; otherwise the provider's payment is cancelled (so it can never
   * succeed later) and the order is CANCELLED with its seats released.
   */
  async expire(orderId: string): Promise<void> {
    const payment = (await this.orders.paymentsOf(orderId)).find((row) => row.status === "PENDING");
    if (!payment) return;
    try {
      if (!payment.providerPaymentId) {
        // Unknown whether the provider ever saw it: asking with the same key answers that without a second charge.
        const order = await this.orders.byIdFresh(orderId);
        await this.charge(payment, order?.number ?? "");
        const after = await this.orders.paymentById(payment.id);
        if (!after?.providerPaymentId || after.status !== "PENDING") return;
        payment.providerPaymentId = after.providerPaymentId;
      }
      const current = await this.provider.retrievePayment(payment.providerPaymentId);
      if (current.status !== "PENDING") return await this.apply(current);
      await this.apply(await this.provider.cancelPayment(payment.providerPaymentId));
    } catch (error) {
      if (error instanceof ProviderUnavailableError) {
        this.logger.warn({ err: error, orderId }, "could not close an expired order yet; retrying later");
        return;
      }
      throw error;
    }
  }

  /** Asks the provider about a payment that has had no outcome for a while. */
  async reconcile(payment: PaymentRow): Promise<void> {
    if (!payment.providerPaymentId) {
      const order = await this.orders.byIdFresh(payment.orderId);
      return this.charge(payment, order?.number ?? "");
    }
    try {
      await this.apply(await this.provider.retrievePayment(payment.providerPaymentId));
    } catch (error) {
      if (!(error instanceof ProviderUnavailableError)) throw error;
      this.logger.warn({ err: error, paymentId: payment.id }, "payment provider did not answer the reconciler");
    }
  }

  /** Returns refunds opened on the way (money for a closed order), to submit after commit. */
  private async applyIn(writes: OrderWrites, emit: Emit, answer: ProviderPayment): Promise<string[]> {
    // A subscription's charge: applied from the provider's answer and by the billing job (billing.service.ts).
    if (answer.metadata.invoicePaymentId) return [];
    const paymentId = answer.metadata.paymentId;
    const known =
      (paymentId ? await writes.paymentForUpdate(paymentId) : null) ??
      (answer.id ? await writes.paymentByProviderId(answer.id) : null);
    if (!known) {
      this.logger.warn({ providerPaymentId: answer.id }, "provider reported a payment Campus does not know");
      return [];
    }
    // Most notices confirm what is written already (the webhook after the provider's own answer).
    // A payment leaves PENDING once and for all, late money aside, so that needs no lock.
    if (confirmsWhatIsKnown(known, answer)) return [];
    // Order first, then its payment: the same lock order as fulfilment and refunds.
    const order = (await writes.lockOrder(known.orderId))!;
    const payment = (await writes.paymentForUpdate(known.id))!;
    if (answer.id && !payment.providerPaymentId) {
      await writes.updatePayment(payment.id, { providerPaymentId: answer.id, clientSecret: answer.clientSecret });
    }
    if (answer.status === "PENDING") return [];
    // A FAILED payment can still take money: Stripe leaves a declined intent open, and its
    // client secret lets the buyer confirm it again with another card.
    const lateMoney = answer.status === "SUCCEEDED" && payment.status === "FAILED";
    if (payment.status !== "PENDING" && !lateMoney) return [];

    if (answer.status === "SUCCEEDED") {
      await writes.updatePayment(payment.id, { status: "SUCCEEDED" });
      if (order.status === "PENDING_PAYMENT") {
        await writes.setStatus(order.id, "PAID", { paidAt: new Date() });
        await writes.addTimeline(order.id, "PAID", `${payment.amount} ${payment.currency} via ${payment.provider}`);
        emit(orderPaid, order.id, { ...orderFacts(order), paymentId: payment.id });
        this.logger.info({ orderId: order.id, number: order.number }, "order paid");
        return [];
      }
      // Money for an order already closed (declined or expired, its seats gone): give it back.
      await writes.addTimeline(order.id, "LATE_PAYMENT", "payment succeeded after the order was closed");
      const unrefunded = order.items.filter((item) => item.refundId === null);
      return [
        await this.refunds.open(writes, emit, order, unrefunded, "Payment arrived after the order was closed", null),
      ];
    }

    const failureCode = answer.status === "CANCELED" ? "canceled" : (answer.failureCode ?? "payment_failed");
    await writes.updatePayment(payment.id, { status: "FAILED", failureCode });
    if (order.status !== "PENDING_PAYMENT") return [];
    await writes.releaseHolds(order.items);
    if (answer.status === "CANCELED") {
      const reason = "The seat hold expired before the payment succeeded";
      await writes.setStatus(order.id, "CANCELLED", { statusReason: reason });
      await writes.addTimeline(order.id, "CANCELLED", reason);
      emit(orderCancelled, order.id, { ...orderFacts(order), reason });
    } else {
      await writes.setStatus(order.id, "PAYMENT_FAILED", { statusReason: `Payment declined (${failureCode})` });
      await writes.addTimeline(order.id, "PAYMENT_FAILED", failureCode);
      emit(orderPaymentFailed, order.id, { ...orderFacts(order), paymentId: payment.id, failureCode });
    }
    this.logger.info({ orderId: order.id, failureCode }, "order payment failed");
    return [];
  }
}

/** True when `answer` would change nothing about `known` (read without a lock; see `applyIn`). */
function confirmsWhatIsKnown(known: PaymentRow, answer: ProviderPayment): boolean {
  if (answer.id && !known.providerPaymentId) return false;
  if (answer.status === "PENDING") return true;
  if (known.status === "SUCCEEDED") return true;
  return known.status === "FAILED" && answer.status !== "SUCCEEDED";
}
