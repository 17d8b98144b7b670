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

/**
 * Subscriptions (subject = the subscription id, so one subscription's events
 * stay in order). `status` is the state after the change; `amountPaid` is
 * money taken by this step (0 for a trial's start): analytics counts it as
 * revenue, enrollment lets TRIALING and ACTIVE subscribers into paid courses.
 */
const subscription = z.object({
  subscriptionId: uuid,
  userId: uuid,
  planId: uuid,
  planName: z.string(),
  interval: z.enum(["MONTH", "YEAR"]),
  status: z.enum(["TRIALING", "ACTIVE", "PAST_DUE", "CANCELED"]),
  currentPeriodStart: z.string().datetime(),
  currentPeriodEnd: z.string().datetime(),
});

export const subscriptionStarted = defineEvent(
  "campus.subscription.started.v1",
  "commerce",
  subscription.extend({ invoiceId: uuid, amountPaid: money }),
);
/** A renewal charge succeeded (also after PAST_DUE): a new period, paid. */
export const subscriptionRenewed = defineEvent(
  "campus.subscription.renewed.v1",
  "commerce",
  subscription.extend({ invoiceId: uuid, amountPaid: money }),
);
/** A renewal charge failed; another attempt follows at `nextAttemptAt`. */
export const subscriptionPastDue = defineEvent(
  "campus.subscription.past_due.v1",
  "commerce",
  subscription.extend({
    invoiceId: uuid,
    amountDue: money,
    failureCode: z.string(),
    attempt: z.number().int().positive(),
    nextAttemptAt: z.string().datetime(),
  }),
);
export const subscriptionCanceled = defineEvent(
  "campus.subscription.canceled.v1",
  "commerce",
  subscription.extend({ reason: z.enum(["CANCELED_AT_PERIOD_END", "PAYMENT_FAILED"]) }),
);
/** An invoice a customer gets (subject = the invoice id): a renewal's when issued, subscribe's once paid. */
export const invoiceIssued = defineEvent(
  "campus.invoice.issued.v1",
  "commerce",
  z.object({
    invoiceId: uuid,
    number: z.string(),
    userId: uuid,
    subscriptionId: uuid.nullable(),
    status: z.enum(["OPEN", "PAID"]),
    total: money,
    tax: money,
    periodStart: z.string().datetime().nullable(),
    periodEnd: z.string().datetime().nullable(),
    issuedAt: z.string().datetime(),
  }),
);

registerEvents(
  subscriptionStarted,
  subscriptionRenewed,
  subscriptionPastDue,
  subscriptionCanceled,
  invoiceIssued,
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
export type SubscriptionStartedData = z.infer<typeof subscriptionStarted.data>;
export type InvoiceIssuedData = z.infer<typeof invoiceIssued.data>;
