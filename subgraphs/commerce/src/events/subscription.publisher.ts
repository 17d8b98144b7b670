import type { InvoiceRow } from "../data/commerce.prisma";
import type { SubscriptionWithPlan } from "../data/billing.writes";

/** What commerce's subscription events say about a subscription (its state after the change). */
export function subscriptionFacts(sub: SubscriptionWithPlan) {
  if (sub.status === "INCOMPLETE" || sub.status === "INCOMPLETE_EXPIRED") {
    throw new Error(`subscription ${sub.id} is ${sub.status}: nothing is published about it`);
  }
  return {
    subscriptionId: sub.id,
    userId: sub.userId,
    planId: sub.planId,
    planName: sub.plan.name,
    interval: sub.plan.interval,
    status: sub.status,
    currentPeriodStart: sub.currentPeriodStart.toISOString(),
    currentPeriodEnd: sub.currentPeriodEnd.toISOString(),
  };
}

/** invoice.issued's data. */
export function invoiceFacts(invoice: InvoiceRow) {
  if (invoice.status !== "OPEN" && invoice.status !== "PAID") {
    throw new Error(`invoice ${invoice.number} is ${invoice.status}: only OPEN or PAID invoices are issued`);
  }
  return {
    invoiceId: invoice.id,
    number: invoice.number,
    userId: invoice.userId,
    subscriptionId: invoice.subscriptionId,
    status: invoice.status,
    total: { amount: invoice.totalAmount, currency: invoice.currency },
    tax: { amount: invoice.taxAmount, currency: invoice.currency },
    periodStart: invoice.periodStart?.toISOString() ?? null,
    periodEnd: invoice.periodEnd?.toISOString() ?? null,
    issuedAt: invoice.issuedAt.toISOString(),
  };
}
