import { afterCharge, dueStep, type BillingView } from "./subscription.machine";

const NOW = new Date("2026-12-02T12:00:00.000Z");
const HOUR = 3_600_000;
const before = new Date(NOW.getTime() - HOUR);
const later = new Date(NOW.getTime() + HOUR);
const policy = { maxAttempts: 3, retryBaseMs: HOUR };

const view = (over: Partial<BillingView>): BillingView => ({
  status: "ACTIVE",
  cancelAtPeriodEnd: false,
  currentPeriodEnd: before,
  dueAt: before,
  failedAttempts: 0,
  ...over,
});

describe("what the billing job does when", () => {
  it("nothing is due yet, or the subscription has ended", () => {
    expect(dueStep(view({ dueAt: later, currentPeriodEnd: later }), NOW)).toEqual({ kind: "none" });
    expect(dueStep(view({ dueAt: null }), NOW)).toEqual({ kind: "none" });
    for (const status of ["CANCELED", "INCOMPLETE_EXPIRED"] as const) {
      expect(dueStep(view({ status }), NOW)).toEqual({ kind: "none" });
      expect(dueStep(view({ status }), NOW, true)).toEqual({ kind: "none" });
    }
  });

  it("a period or trial ends: charge, or cancel without charging when asked to", () => {
    expect(dueStep(view({}), NOW)).toEqual({ kind: "charge" });
    expect(dueStep(view({ status: "TRIALING" }), NOW)).toEqual({ kind: "charge" });
    expect(dueStep(view({ cancelAtPeriodEnd: true }), NOW)).toEqual({ kind: "cancel" });
    expect(dueStep(view({ status: "TRIALING", cancelAtPeriodEnd: true }), NOW)).toEqual({ kind: "cancel" });
  });

  it("a retry is due: charge again, or cancel if the owner asked meanwhile", () => {
    expect(dueStep(view({ status: "PAST_DUE" }), NOW)).toEqual({ kind: "charge" });
    expect(dueStep(view({ status: "PAST_DUE", cancelAtPeriodEnd: true }), NOW)).toEqual({ kind: "cancel" });
  });

  it("subscribe's first charge: now when forced, else when its answer is overdue", () => {
    expect(dueStep(view({ status: "INCOMPLETE", dueAt: later }), NOW, true)).toEqual({ kind: "charge" });
    expect(dueStep(view({ status: "INCOMPLETE", dueAt: later }), NOW)).toEqual({ kind: "none" });
    expect(dueStep(view({ status: "INCOMPLETE" }), NOW)).toEqual({ kind: "charge" });
  });
});

describe("where a charge's answer takes a subscription", () => {
  it("first charge: ACTIVE (started) or INCOMPLETE_EXPIRED with the invoice void", () => {
    expect(afterCharge({ status: "INCOMPLETE", failedAttempts: 0 }, true, NOW, policy)).toMatchObject({
      status: "ACTIVE",
      invoice: "PAID",
      event: "started",
      advancePeriod: false,
    });
    expect(afterCharge({ status: "INCOMPLETE", failedAttempts: 0 }, false, NOW, policy)).toMatchObject({
      status: "INCOMPLETE_EXPIRED",
      invoice: "VOID",
      event: "expired",
      dueAt: null,
    });
  });

  it("renewal paid: ACTIVE for the next period, attempts reset (also after PAST_DUE)", () => {
    for (const status of ["ACTIVE", "TRIALING", "PAST_DUE"] as const) {
      expect(afterCharge({ status, failedAttempts: 2 }, true, NOW, policy)).toEqual({
        status: "ACTIVE",
        failedAttempts: 0,
        dueAt: null,
        invoice: "PAID",
        event: "renewed",
        advancePeriod: true,
      });
    }
  });

  it("renewal declined: PAST_DUE with doubling waits, then CANCELED with the invoice void", () => {
    const first = afterCharge({ status: "ACTIVE", failedAttempts: 0 }, false, NOW, policy);
    expect(first).toMatchObject({ status: "PAST_DUE", failedAttempts: 1, invoice: "OPEN", event: "past_due" });
    expect(first.dueAt!.getTime() - NOW.getTime()).toBe(HOUR);
    const second = afterCharge({ status: "PAST_DUE", failedAttempts: 1 }, false, NOW, policy);
    expect(second).toMatchObject({ status: "PAST_DUE", failedAttempts: 2 });
    expect(second.dueAt!.getTime() - NOW.getTime()).toBe(2 * HOUR);
    expect(afterCharge({ status: "PAST_DUE", failedAttempts: 2 }, false, NOW, policy)).toEqual({
      status: "CANCELED",
      failedAttempts: 3,
      dueAt: null,
      invoice: "VOID",
      event: "canceled",
      advancePeriod: false,
    });
  });
});
