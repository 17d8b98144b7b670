/** When a buyer may refund on their own; admins may refund any time. */
export interface RefundPolicy {
  windowDays: number;
  /** Share of the course (0..1) a buyer may have studied and still get their money back. */
  maxProgress: number;
}

export type RefundRefusal = { reason: "REFUND_WINDOW_CLOSED" | "PROGRESS_TOO_HIGH"; message: string };

/**
 * Why a buyer may not refund these items now, or null when they may: the
 * order was paid within the window, and no item's course is studied up to
 * the threshold (progress as enrollment last reported it).
 */
export function buyerRefundRefusal(
  policy: RefundPolicy,
  paidAt: Date,
  now: Date,
  progress: { courseId: string; progress: number }[],
): RefundRefusal | null {
  const windowEnds = paidAt.getTime() + policy.windowDays * 86_400_000;
  if (now.getTime() > windowEnds) {
    return {
      reason: "REFUND_WINDOW_CLOSED",
      message: `Refunds are possible within ${policy.windowDays} days of payment`,
    };
  }
  const studied = progress.find((entry) => entry.progress >= policy.maxProgress);
  if (studied) {
    return {
      reason: "PROGRESS_TOO_HIGH",
      message: `A course studied to ${Math.round(policy.maxProgress * 100)} % or more cannot be refunded`,
    };
  }
  return null;
}

/** An order whose every item is refunded is REFUNDED; otherwise some are, and it is PARTIALLY_REFUNDED. */
export function statusAfterRefund(items: { refundedAt: Date | null }[]): "REFUNDED" | "PARTIALLY_REFUNDED" {
  return items.every((item) => item.refundedAt !== null) ? "REFUNDED" : "PARTIALLY_REFUNDED";
}
