import { orderFulfilled, type Emit, type PurchaseFulfilledData } from "@campus/events";
import type { Logger } from "@campus/logging";
import type { CommerceTx } from "../data/commerce.prisma";
import { OrderWrites } from "../data/order.writes";
import { orderFacts } from "../events/order.publisher";
import type { RefundService } from "./refund.service";

/**
 * The purchase saga's last step, in the transaction of the consumer of
 * enrollment's purchase_fulfilled: granted items are fulfilled (their seat
 * now belongs to the enrollment); refused ones are refunded automatically,
 * and the order says why. Returns the refunds opened, to submit after commit
 * (the reconciler does, since a consumer has no "after commit").
 */
export class FulfilmentService {
  constructor(
    private readonly refunds: RefundService,
    private readonly logger: Logger,
  ) {}

  async apply(tx: CommerceTx, emit: Emit, result: PurchaseFulfilledData): Promise<string[]> {
    const writes = new OrderWrites(tx);
    const order = await writes.lockOrder(result.orderId);
    if (!order) return [];
    const now = new Date();
    for (const granted of result.granted) await writes.fulfilItem(granted.orderItemId, granted.enrollmentId, now);
    if (result.refused.length === 0) {
      if (order.status === "PAID") {
        await writes.setStatus(order.id, "FULFILLED");
        await writes.addTimeline(order.id, "FULFILLED", `${result.granted.length} enrollment(s)`);
        emit(orderFulfilled, order.id, {
          ...orderFacts(order),
          enrollments: result.granted.map(({ orderItemId, enrollmentId }) => ({ orderItemId, enrollmentId })),
        });
      }
      return [];
    }

    const refusedIds = new Set(result.refused.map((refused) => refused.orderItemId));
    const refused = order.items.filter((item) => refusedIds.has(item.id) && item.refundId === null);
    await writes.releaseHolds(refused);
    const reason = [...new Set(result.refused.map((entry) => entry.reason))].join("; ");
    await writes.setStatus(order.id, order.status, { statusReason: reason });
    await writes.addTimeline(order.id, "FULFILMENT_REFUSED", reason);
    this.logger.warn({ orderId: order.id, reason }, "fulfilment refused; refunding automatically");
    if (refused.length === 0) return [];
    return [await this.refunds.open(writes, emit, order, refused, `Could not enroll: ${reason}`, null)];
  }
}
