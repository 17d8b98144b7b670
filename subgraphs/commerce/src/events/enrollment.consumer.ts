import { on, onEnrollmentChange, purchaseFulfilled, type EnrollmentState, type HandlerEntry } from "@campus/events";
import type { CommerceTx } from "../data/commerce.prisma";
import { SEAT_HOLDING } from "../data/order.repository";
import { OrderWrites } from "../data/order.writes";
import type { FulfilmentService } from "../service/fulfilment.service";

export const ENROLLMENT_GROUP = "commerce.enrollments";

/**
 * What commerce learns from enrollment: who is enrolled where and how far
 * (no buying a course twice, the refund threshold), the seats enrollments
 * take and free (the seat counters checkout decides on), and the answer to
 * each paid order (fulfilment). `afterCommit` gets refunds to submit.
 */
export function enrollmentHandlers(
  fulfilment: FulfilmentService,
  afterCommit: (refundIds: string[]) => void,
): HandlerEntry<CommerceTx>[] {
  const keep = async (event: { data: EnrollmentState }, tx: CommerceTx) => {
    const writes = new OrderWrites(tx);
    const { orderId: _orderId, ...row } = event.data;
    const before = await writes.keepEnrollment(row);
    const heldBefore = before !== null && SEAT_HOLDING.includes(before);
    const holdsNow = SEAT_HOLDING.includes(row.status);
    // An order's enrollment takes over the seat its order held: counted already.
    if (holdsNow && !heldBefore && !event.data.orderId) await writes.countSeatIfTracked(row.courseId);
    if (!holdsNow && heldBefore) await writes.releaseSeat(row.courseId);
  };
  return [
    ...onEnrollmentChange<CommerceTx>(keep),
    on(purchaseFulfilled, async (event, tx, emit) => afterCommit(await fulfilment.apply(tx, emit, event.data))),
  ];
}
