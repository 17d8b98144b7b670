import { buyerRefundRefusal, statusAfterRefund } from "./refund.policy";

const policy = { windowDays: 14, maxProgress: 0.3 };
const paidAt = new Date("2026-12-01T10:00:00Z");
const days = (n: number) => new Date(paidAt.getTime() + n * 86_400_000);

describe("buyer refunds", () => {
  it("are allowed inside the window below the progress threshold", () => {
    expect(buyerRefundRefusal(policy, paidAt, days(13.9), [{ courseId: "a", progress: 0.29 }])).toBeNull();
  });

  it("close when the window has passed", () => {
    expect(buyerRefundRefusal(policy, paidAt, days(14.01), [])?.reason).toBe("REFUND_WINDOW_CLOSED");
  });

  it("are refused once any refunded course is studied to the threshold", () => {
    const refusal = buyerRefundRefusal(policy, paidAt, days(1), [
      { courseId: "a", progress: 0 },
      { courseId: "b", progress: 0.3 },
    ]);
    expect(refusal).toEqual({ reason: "PROGRESS_TOO_HIGH", message: expect.stringContaining("30 %") });
  });
});

describe("order status after a refund", () => {
  it("is REFUNDED only when every item is", () => {
    expect(statusAfterRefund([{ refundedAt: new Date() }, { refundedAt: null }])).toBe("PARTIALLY_REFUNDED");
    expect(statusAfterRefund([{ refundedAt: new Date() }, { refundedAt: new Date() }])).toBe("REFUNDED");
  });
});
