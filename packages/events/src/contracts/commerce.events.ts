import { z } from "zod";
import { defineEvent, registerEvents, uuid } from "../event-registry";

/**
 * Published by commerce (topic campus.commerce.events). Every order event has
 * the order id as its subject, so one order's events stay in order on any
 * transport (one Kafka partition per key). Money is integer minor units.
 */
const money = z.object({ amount: z.number().int().nonnegative(), currency: z.string().length(3) });

const orderItem = z.object({ orderItemId: uuid, courseId: uuid, price: money });

const order = z.object({
  orderId: uuid,
  number: z.string(),
  userId: uuid,
  total: money,
  items: z.array(orderItem),
});

export const orderPlaced = defineEvent("campus.order.placed.v1", "commerce", order);
/** Enrollment grants the courses of a paid order (the purchase saga's first step). */
export const orderPaid = defineEvent("campus.order.paid.v1", "commerce", order.extend({ paymentId: uuid }));
export const orderFulfilled = defineEvent(
  "campus.order.fulfilled.v1",
  "commerce",
  order.extend({ enrollments: z.array(z.object({ orderItemId: uuid, enrollmentId: uuid })) }),
);
export const orderPaymentFailed = defineEvent(
  "campus.order.payment_failed.v1",
  "commerce",
  order.extend({ paymentId: uuid, failureCode: z.string() }),
);
/** The seat hold expired before the payment succeeded. */
export const orderCancelled = defineEvent(
  "campus.order.cancelled.v1",
  "commerce",
  order.extend({ reason: z.string() }),
);

const refund = z.object({
  refundId: uuid,
  orderId: uuid,
  userId: uuid,
  amount: money,
  reason: z.string().nullable(),
  /** The refunded items; enrollment cancels the enrollments they granted (null: never fulfilled). */
  items: z.array(orderItem.extend({ enrollmentId: uuid.nullable() })),
});

/** A refund succeeded: its items' enrollments end and their seats come back. */
export const orderRefunded = defineEvent(
  "campus.order.refunded.v1",
  "commerce",
  refund.extend({ orderStatus: z.enum(["PARTIALLY_REFUNDED", "REFUNDED"]) }),
);
export const refundRequested = defineEvent("campus.refund.requested.v1", "commerce", refund);
export const refundSucceeded = defineEvent("campus.refund.succeeded.v1", "commerce", refund);
export const refundFailed = defineEvent("campus.refund.failed.v1", "commerce", refund);

registerEvents(
  orderPlaced,
  orderPaid,
  orderFulfilled,
  orderPaymentFailed,
  orderCancelled,
  orderRefunded,
  refundRequested,
  refundSucceeded,
  refundFailed,
);

export type OrderPaidData = z.infer<typeof orderPaid.data>;
export type OrderRefundedData = z.infer<typeof orderRefunded.data>;
