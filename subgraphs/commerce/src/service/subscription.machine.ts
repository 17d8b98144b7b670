import { retryDelayMs } from "./invoice.rules";

/**
 * The subscription's states and what the billing job does with each, as pure
 * functions (subscription.machine.test.ts walks them):
 *
 *   subscribe ─► INCOMPLETE ── first charge declined ──► INCOMPLETE_EXPIRED (never shown; invoice VOID)
 *      │              └─────── first charge succeeded ─► ACTIVE
 *      └─ plan with trialDays ─► TRIALING ── trial ends ─► (charge, as a renewal)
 *   ACTIVE / TRIALING ── period ends ──┬─ cancelAtPeriodEnd ───────────────► CANCELED (no charge)
 *                                      ├─ charge succeeded ────────────────► ACTIVE, next period
 *                                      └─ charge failed ───────────────────► PAST_DUE
 *   PAST_DUE ── retry due (backoff) ───┬─ charge succeeded ────────────────► ACTIVE, next period
 *                                      ├─ failed, attempts left ───────────► PAST_DUE, later retry
 *                                      └─ failed, attempts used up ────────► CANCELED (invoice VOID)
 */
export type SubscriptionState = "INCOMPLETE" | "TRIALING" | "ACTIVE" | "PAST_DUE" | "CANCELED" | "INCOMPLETE_EXPIRED";

export const LIVE_STATES: SubscriptionState[] = ["INCOMPLETE", "TRIALING", "ACTIVE", "PAST_DUE"];

export interface BillingView {
  status: SubscriptionState;
  cancelAtPeriodEnd: boolean;
  currentPeriodEnd: Date;
  dueAt: Date | null;
  failedAttempts: number;
}

export interface RetryPolicy {
  /** Charges of one renewal invoice, the first included, before the subscription is canceled. */
  maxAttempts: number;
  /** Wait before the first retry; doubled for each one after. */
  retryBaseMs: number;
}

export type DueStep = { kind: "none" } | { kind: "cancel" } | { kind: "charge" };

/** What the billing job does with a subscription at `now` (`force`: subscribe's own first charge, not yet due). */
export function dueStep(sub: BillingView, now: Date, force = false): DueStep {
  if (!LIVE_STATES.includes(sub.status)) return { kind: "none" };
  if (!force && (sub.dueAt === null || sub.dueAt.getTime() > now.getTime())) return { kind: "none" };
  if (sub.status === "INCOMPLETE") return { kind: "charge" };
  // PAST_DUE is already past its period's end; a cancel asked for meanwhile ends it at the next look.
  if (sub.cancelAtPeriodEnd && (sub.status === "PAST_DUE" || sub.currentPeriodEnd.getTime() <= now.getTime())) {
    return { kind: "cancel" };
  }
  return { kind: "charge" };
}

export interface ChargeOutcome {
  status: SubscriptionState;
  failedAttempts: number;
  /** When the job looks next (null: never again). Renewals: the new period's end, set by the caller. */
  dueAt: Date | null;
  invoice: "PAID" | "OPEN" | "VOID";
  /** The event the transition publishes. */
  event: "started" | "renewed" | "past_due" | "canceled" | "expired";
  /** The paid invoice's period becomes the current one. */
  advancePeriod: boolean;
}

/** Where a charge's answer takes a subscription. */
export function afterCharge(
  sub: Pick<BillingView, "status" | "failedAttempts">,
  succeeded: boolean,
  now: Date,
  policy: RetryPolicy,
): ChargeOutcome {
  if (sub.status === "INCOMPLETE") {
    return succeeded
      ? { status: "ACTIVE", failedAttempts: 0, dueAt: null, invoice: "PAID", event: "started", advancePeriod: false }
      : {
          status: "INCOMPLETE_EXPIRED",
          failedAttempts: 1,
          dueAt: null,
          invoice: "VOID",
          event: "expired",
          advancePeriod: false,
        };
  }
  if (succeeded) {
    return { status: "ACTIVE", failedAttempts: 0, dueAt: null, invoice: "PAID", event: "renewed", advancePeriod: true };
  }
  const failed = sub.failedAttempts + 1;
  if (failed >= policy.maxAttempts) {
    return {
      status: "CANCELED",
      failedAttempts: failed,
      dueAt: null,
      invoice: "VOID",
      event: "canceled",
      advancePeriod: false,
    };
  }
  return {
    status: "PAST_DUE",
    failedAttempts: failed,
    dueAt: new Date(now.getTime() + retryDelayMs(failed, policy.retryBaseMs)),
    invoice: "OPEN",
    event: "past_due",
    advancePeriod: false,
  };
}
