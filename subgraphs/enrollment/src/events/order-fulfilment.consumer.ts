import { on, orderPaid, orderRefunded, type HandlerEntry } from "@campus/events";
import type { EnrollmentTx } from "../data/enrollment.prisma";
import type { EnrollmentService } from "../service/enrollment.service";

export const ORDER_FULFILMENT_GROUP = "enrollment.order-fulfilment";

/**
 * Enrollment's part of the purchase saga (docs/commerce.md): a paid order
 * becomes enrollments, a refund ends them. Each event is applied once
 * (ProcessedEvent), so a replayed order.paid never enrolls twice.
 */
export function orderFulfilmentHandlers(enrollments: EnrollmentService): HandlerEntry<EnrollmentTx>[] {
  return [
    on(orderPaid, (event, tx, emit) => enrollments.grantPurchase(tx, emit, event.data)),
    on(orderRefunded, (event, tx, emit) => enrollments.revokeRefunded(tx, emit, event.data)),
  ];
}
