import type {
  CommerceTx,
  InvoicePaymentRow,
  InvoiceRow,
  InvoiceStatus,
  PaymentStatus,
  PlanRow,
  SubscriptionRow,
  SubscriptionStatus,
} from "./commerce.prisma";
import { invoiceNumber, type InvoiceTotals } from "../service/invoice.rules";

export type SubscriptionWithPlan = SubscriptionRow & { plan: PlanRow };

/**
 * The statements of plans, subscriptions and invoices inside one transaction
 * of the unit of work. The idempotency key, the invoice counter and the
 * billing job's claim are raw SQL: their correctness rests on how Postgres
 * locks rows under concurrency.
 */
export class BillingWrites {
  constructor(private readonly tx: CommerceTx) {}

  /** As OrderWrites.claimIdempotencyKey, for subscribe: false when another request holds the key. */
  async claimSubscriptionKey(
    userId: string,
    key: string,
    requestHash: string,
    subscriptionId: string,
    expiresAt: Date,
  ) {
    const rows = await this.tx.$queryRaw<{ subscriptionId: string }[]>`
      INSERT INTO "commerce"."SubscriptionRequest" ("userId", "key", "requestHash", "subscriptionId", "expiresAt")
      VALUES (${userId}::uuid, ${key}, ${requestHash}, ${subscriptionId}::uuid, ${expiresAt})
      ON CONFLICT ("userId", "key") DO UPDATE
        SET "requestHash" = EXCLUDED."requestHash", "subscriptionId" = EXCLUDED."subscriptionId",
            "expiresAt" = EXCLUDED."expiresAt"
        WHERE "SubscriptionRequest"."expiresAt" < now()
      RETURNING "subscriptionId"::text`;
    return rows.length === 1 && rows[0]!.subscriptionId === subscriptionId;
  }

  /**
   * The next invoice number of `issuedAt`'s year. The upsert locks the year's
   * counter row until commit: concurrent invoices take turns, each reads the
   * number the one before it committed, and a rolled-back invoice gives its
   * number back, so numbers are consecutive with no gaps and never shared.
   */
  async nextInvoiceNumber(issuedAt: Date): Promise<string> {
    const year = issuedAt.getUTCFullYear();
    const [row] = await this.tx.$queryRaw<{ last: number }[]>`
      INSERT INTO "commerce"."InvoiceCounter" ("year", "last") VALUES (${year}::int, 1)
      ON CONFLICT ("year") DO UPDATE SET "last" = "InvoiceCounter"."last" + 1
      RETURNING "last"`;
    return invoiceNumber(year, Number(row!.last));
  }

  createPlan(data: Omit<PlanRow, "active" | "createdAt">): Promise<PlanRow> {
    return this.tx.plan.create({ data });
  }

  /** Throws Prisma's P2002 on `liveUserId` when the user already has a live subscription. */
  createSubscription(data: {
    id: string;
    userId: string;
    planId: string;
    status: SubscriptionStatus;
    customerId: string;
    paymentMethod: string;
    currentPeriodStart: Date;
    currentPeriodEnd: Date;
    trialEnd: Date | null;
    billingAnchor: Date;
    dueAt: Date;
  }): Promise<SubscriptionWithPlan> {
    return this.tx.subscription.create({ data: { ...data, liveUserId: data.userId }, include: { plan: true } });
  }

  /** Locks the subscription until commit: subscribe, the billing job and cancel take turns on it. */
  async lockSubscription(id: string): Promise<SubscriptionWithPlan | null> {
    await this.tx.$queryRaw`SELECT 1 FROM "commerce"."Subscription" WHERE "id" = ${id}::uuid FOR UPDATE`;
    return this.tx.subscription.findUnique({ where: { id }, include: { plan: true } });
  }

  /**
   * The next subscription due at `now`, locked; one another replica holds is
   * skipped rather than waited for, so sweeping replicas share the work.
   */
  async claimDue(now: Date, skip: string[]): Promise<string | null> {
    const rows = await this.tx.$queryRaw<{ id: string }[]>`
      SELECT "id"::text FROM "commerce"."Subscription"
       WHERE "dueAt" <= ${now} AND "status" IN ('INCOMPLETE', 'TRIALING', 'ACTIVE', 'PAST_DUE')
         AND NOT ("id"::text = ANY(${skip}))
       ORDER BY "dueAt" LIMIT 1
       FOR UPDATE SKIP LOCKED`;
    return rows[0]?.id ?? null;
  }

  updateSubscription(
    id: string,
    data: Partial<
      Pick<
        SubscriptionRow,
        | "status"
        | "liveUserId"
        | "currentPeriodStart"
        | "currentPeriodEnd"
        | "cancelAtPeriodEnd"
        | "dueAt"
        | "failedAttempts"
        | "endedAt"
        | "endReason"
      >
    >,
  ): Promise<SubscriptionWithPlan> {
    return this.tx.subscription.update({ where: { id }, data, include: { plan: true } });
  }

  async createInvoice(data: {
    id: string;
    userId: string;
    subscriptionId: string | null;
    status: InvoiceStatus;
    currency: string;
    totals: InvoiceTotals;
    taxRateBps: number;
    periodStart: Date | null;
    periodEnd: Date | null;
    issuedAt: Date;
  }): Promise<InvoiceRow> {
    return this.tx.invoice.create({
      data: {
        id: data.id,
        number: await this.nextInvoiceNumber(data.issuedAt),
        userId: data.userId,
        subscriptionId: data.subscriptionId,
        status: data.status,
        currency: data.currency,
        subtotalAmount: data.totals.subtotal,
        taxRateBps: data.taxRateBps,
        taxAmount: data.totals.tax,
        totalAmount: data.totals.total,
        periodStart: data.periodStart,
        periodEnd: data.periodEnd,
        issuedAt: data.issuedAt,
        paidAt: data.status === "PAID" ? data.issuedAt : null,
        lines: {
          create: data.totals.lines.map((line, position) => ({
            position,
            description: line.description,
            quantity: line.quantity,
            unitPriceAmount: line.unitPrice,
            totalAmount: line.total,
          })),
        },
      },
    });
  }

  /** The subscription's invoice still waiting for its money, if any. */
  openInvoiceOf(subscriptionId: string): Promise<InvoiceRow | null> {
    return this.tx.invoice.findFirst({ where: { subscriptionId, status: "OPEN" }, orderBy: { issuedAt: "desc" } });
  }

  setInvoiceStatus(id: string, status: InvoiceStatus, paidAt?: Date): Promise<InvoiceRow> {
    return this.tx.invoice.update({ where: { id }, data: { status, ...(paidAt ? { paidAt } : {}) } });
  }

  /** The attempt without an outcome (its answer was lost): asked again with the same key. */
  pendingAttemptOf(invoiceId: string): Promise<InvoicePaymentRow | null> {
    return this.tx.invoicePayment.findFirst({
      where: { invoiceId, status: "PENDING" },
      orderBy: { createdAt: "desc" },
    });
  }

  createAttempt(data: { id: string; invoiceId: string; provider: string; amount: number; currency: string }) {
    return this.tx.invoicePayment.create({ data });
  }

  attempt(id: string): Promise<InvoicePaymentRow | null> {
    return this.tx.invoicePayment.findUnique({ where: { id } });
  }

  updateAttempt(
    id: string,
    data: { status: PaymentStatus; providerPaymentId?: string | null; failureCode?: string | null },
  ): Promise<InvoicePaymentRow> {
    return this.tx.invoicePayment.update({ where: { id }, data });
  }
}
