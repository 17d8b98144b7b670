import { randomUUID } from "node:crypto";
import {
  invoiceIssued,
  subscriptionCanceled,
  subscriptionPastDue,
  subscriptionRenewed,
  subscriptionStarted,
  type Emit,
  type UnitOfWork,
} from "@campus/events";
import type { Logger } from "@campus/logging";
import type { CommerceTx, InvoicePaymentRow, InvoiceRow } from "../data/commerce.prisma";
import { BillingWrites, type SubscriptionWithPlan } from "../data/billing.writes";
import { invoiceFacts, subscriptionFacts } from "../events/subscription.publisher";
import {
  ProviderRequestError,
  ProviderUnavailableError,
  type PaymentProvider,
  type ProviderPayment,
} from "../payments/payment-provider";
import { invoiceTotals, periodEnd } from "./invoice.rules";
import { afterCharge, dueStep, LIVE_STATES, type RetryPolicy } from "./subscription.machine";

/** Where billing reads the time: tests drive renewals with their own clock instead of sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface BillingOptions extends RetryPolicy {
  /** Basis points of tax added to every invoice's subtotal (INVOICE_TAX_RATE_BPS). */
  taxRateBps: number;
  /** How long a charge in flight keeps other sweeps away; a lost answer is asked again after it. */
  chargeLeaseMs: number;
}

interface Claim {
  sub: SubscriptionWithPlan;
  invoice: InvoiceRow;
  attempt: InvoicePaymentRow;
}

/**
 * Collecting subscriptions' money: one step of the state machine
 * (subscription.machine.ts) for one subscription. Like checkout's payments,
 * the attempt is written first, the provider is asked after commit with the
 * attempt's id as its idempotency key, and the answer is applied in a second
 * transaction that changes an attempt only while it is PENDING, so a lost
 * answer, a crash or two replicas asking at once never charge twice or
 * apply twice.
 */
export class BillingService {
  constructor(
    private readonly work: UnitOfWork<CommerceTx>,
    private readonly provider: PaymentProvider,
    private readonly clock: Clock,
    private readonly options: BillingOptions,
    private readonly logger: Logger,
  ) {}

  get providerName(): string {
    return this.provider.name;
  }

  now(): Date {
    return this.clock.now();
  }

  /** Lines, tax and totals of one period of a plan, at the configured rate. */
  totalsFor(description: string, unitPrice: number) {
    return invoiceTotals([{ description, quantity: 1, unitPrice }], this.options.taxRateBps);
  }

  get taxRateBps(): number {
    return this.options.taxRateBps;
  }

  /**
   * Does what is due for the subscription at `now`: cancel at period end, or
   * charge its open invoice (issuing the renewal's first). `force`: subscribe's
   * own first charge, due at once.
   */
  async collect(subscriptionId: string, now: Date, force = false): Promise<void> {
    await this.run(now, async () => subscriptionId, force);
  }

  /**
   * Takes the next subscription due at `now` that no one else holds
   * (`FOR UPDATE SKIP LOCKED`, in the same transaction that claims its
   * charge) and collects it; `skip`: ones this sweep visited already. Returns
   * the one it took, null when none is due; throws with `subscriptionId` set
   * when that one failed.
   */
  async collectNextDue(now: Date, skip: string[]): Promise<string | null> {
    let taken: string | null = null;
    try {
      await this.run(now, async (writes) => (taken = await writes.claimDue(now, skip)), false);
    } catch (error) {
      throw Object.assign(error instanceof Error ? error : new Error(String(error)), { subscriptionId: taken });
    }
    return taken;
  }

  private async run(now: Date, pick: (writes: BillingWrites) => Promise<string | null>, force: boolean) {
    const claim = await this.work.run(async (tx, emit) => {
      const writes = new BillingWrites(tx);
      const id = await pick(writes);
      return id ? this.claim(writes, emit, id, now, force) : null;
    });
    if (!claim) return;
    const answer = await this.ask(claim);
    if (!answer) return;
    await this.work.run((tx, emit) => this.apply(new BillingWrites(tx), emit, claim, answer, now));
  }

  private async claim(
    writes: BillingWrites,
    emit: Emit,
    subscriptionId: string,
    now: Date,
    force: boolean,
  ): Promise<Claim | null> {
    const sub = await writes.lockSubscription(subscriptionId);
    if (!sub) return null;
    const step = dueStep(sub, now, force);
    if (step.kind === "none") return null;
    if (step.kind === "cancel") {
      const open = await writes.openInvoiceOf(sub.id);
      if (open) await writes.setInvoiceStatus(open.id, "VOID");
      const ended = await writes.updateSubscription(sub.id, {
        status: "CANCELED",
        liveUserId: null,
        dueAt: null,
        endedAt: now,
        endReason: "CANCELED_AT_PERIOD_END",
      });
      emit(subscriptionCanceled, sub.id, { ...subscriptionFacts(ended), reason: "CANCELED_AT_PERIOD_END" });
      this.logger.info({ subscriptionId: sub.id }, "subscription canceled at period end");
      return null;
    }
    const invoice = (await writes.openInvoiceOf(sub.id)) ?? (await this.issueRenewal(writes, emit, sub, now));
    const attempt =
      (await writes.pendingAttemptOf(invoice.id)) ??
      (await writes.createAttempt({
        id: randomUUID(),
        invoiceId: invoice.id,
        provider: this.provider.name,
        amount: invoice.totalAmount,
        currency: invoice.currency,
      }));
    // Left alone by other sweeps while this one charges; an answer that never comes is asked for after it.
    await writes.updateSubscription(sub.id, { dueAt: new Date(now.getTime() + this.options.chargeLeaseMs) });
    return { sub, invoice, attempt };
  }

  /** The invoice of the period after the current one, OPEN, told to the customer (invoice.issued). */
  private async issueRenewal(writes: BillingWrites, emit: Emit, sub: SubscriptionWithPlan, now: Date) {
    const start = sub.currentPeriodEnd;
    const end = nextPeriodEnd(sub.billingAnchor, sub.plan.interval, start);
    const invoice = await writes.createInvoice({
      id: randomUUID(),
      userId: sub.userId,
      subscriptionId: sub.id,
      status: "OPEN",
      currency: sub.plan.currency,
      totals: this.totalsFor(periodLine(sub.plan.name, start, end), sub.plan.priceAmount),
      taxRateBps: this.options.taxRateBps,
      periodStart: start,
      periodEnd: end,
      issuedAt: now,
    });
    emit(invoiceIssued, invoice.id, invoiceFacts(invoice));
    return invoice;
  }

  /** The provider's answer for the claimed attempt; null when it did not answer (asked again later). */
  private async ask({ sub, invoice, attempt }: Claim): Promise<ProviderPayment | null> {
    try {
      if (attempt.providerPaymentId) return await this.provider.retrievePayment(attempt.providerPaymentId);
      return await this.provider.createPayment({
        amount: attempt.amount,
        currency: attempt.currency,
        paymentMethod: sub.paymentMethod,
        customer: sub.customerId ?? undefined,
        // subscribe's first charge has the buyer there; renewals do not
        offSession: sub.status !== "INCOMPLETE",
        idempotencyKey: `campus-invoice-payment-${attempt.id}`,
        metadata: { invoicePaymentId: attempt.id, invoiceId: invoice.id, invoiceNumber: invoice.number },
      });
    } catch (error) {
      if (error instanceof ProviderUnavailableError) {
        this.logger.warn({ err: error, subscriptionId: sub.id }, "payment provider did not answer; billing asks again");
        return null;
      }
      if (!(error instanceof ProviderRequestError)) throw error;
      return {
        id: "",
        status: "FAILED",
        amount: attempt.amount,
        currency: attempt.currency,
        clientSecret: null,
        failureCode: error.code ?? "invalid_request",
        metadata: { invoicePaymentId: attempt.id },
      };
    }
  }

  private async apply(writes: BillingWrites, emit: Emit, claim: Claim, answer: ProviderPayment, now: Date) {
    const sub = (await writes.lockSubscription(claim.sub.id))!;
    const attempt = await writes.attempt(claim.attempt.id);
    if (!attempt || attempt.status !== "PENDING") return; // another sweep applied it
    if (answer.status === "PENDING") {
      // e.g. the bank wants the buyer (3-D Secure): asked again by id after the lease
      if (answer.id) await writes.updateAttempt(attempt.id, { status: "PENDING", providerPaymentId: answer.id });
      return;
    }
    const succeeded = answer.status === "SUCCEEDED";
    const failureCode = succeeded
      ? null
      : answer.status === "CANCELED"
        ? "canceled"
        : (answer.failureCode ?? "payment_failed");
    await writes.updateAttempt(attempt.id, {
      status: succeeded ? "SUCCEEDED" : "FAILED",
      providerPaymentId: answer.id || null,
      failureCode,
    });
    if (!LIVE_STATES.includes(sub.status)) {
      this.logger.error(
        { subscriptionId: sub.id, attemptId: attempt.id },
        "a charge was answered for an ended subscription",
      );
      return;
    }
    const outcome = afterCharge(sub, succeeded, now, this.options);
    const invoice = await writes.setInvoiceStatus(attempt.invoiceId, outcome.invoice, succeeded ? now : undefined);
    const ends = outcome.status === "CANCELED" || outcome.status === "INCOMPLETE_EXPIRED";
    const period = outcome.advancePeriod
      ? { currentPeriodStart: invoice.periodStart!, currentPeriodEnd: invoice.periodEnd! }
      : {};
    const updated = await writes.updateSubscription(sub.id, {
      status: outcome.status,
      failedAttempts: outcome.failedAttempts,
      ...period,
      dueAt: ends ? null : (outcome.dueAt ?? period.currentPeriodEnd ?? sub.currentPeriodEnd),
      ...(ends
        ? { liveUserId: null, endedAt: now, endReason: outcome.event === "expired" ? "DECLINED" : "PAYMENT_FAILED" }
        : {}),
    });
    const paid = { amount: invoice.totalAmount, currency: invoice.currency };
    switch (outcome.event) {
      case "started":
        emit(subscriptionStarted, sub.id, { ...subscriptionFacts(updated), invoiceId: invoice.id, amountPaid: paid });
        emit(invoiceIssued, invoice.id, invoiceFacts(invoice));
        break;
      case "renewed":
        emit(subscriptionRenewed, sub.id, { ...subscriptionFacts(updated), invoiceId: invoice.id, amountPaid: paid });
        break;
      case "past_due":
        emit(subscriptionPastDue, sub.id, {
          ...subscriptionFacts(updated),
          invoiceId: invoice.id,
          amountDue: paid,
          failureCode: failureCode!,
          attempt: outcome.failedAttempts,
          nextAttemptAt: outcome.dueAt!.toISOString(),
        });
        break;
      case "canceled":
        emit(subscriptionCanceled, sub.id, { ...subscriptionFacts(updated), reason: "PAYMENT_FAILED" });
        break;
      case "expired":
        break; // never started: nothing to tell anyone
    }
    this.logger.info({ subscriptionId: sub.id, status: outcome.status, failureCode }, "subscription charge applied");
  }
}

/** The end of the paid period that starts at `start`, counted from the anchor (no month-end drift). */
export function nextPeriodEnd(anchor: Date, interval: "MONTH" | "YEAR", start: Date): Date {
  for (let periods = 1; ; periods += 1) {
    const end = periodEnd(anchor, interval, periods);
    if (end.getTime() > start.getTime()) return end;
  }
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/** An invoice line for one period of a plan: "Campus Plus, 2026-12-02 – 2027-01-02". */
export function periodLine(planName: string, start: Date, end: Date): string {
  return `${planName}, ${day(start)} – ${day(end)}`;
}
