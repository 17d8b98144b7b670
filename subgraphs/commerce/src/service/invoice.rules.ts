/**
 * The arithmetic of invoices and billing periods, kept pure so its rules are
 * tested on their own (invoice.rules.test.ts). Money is integer minor units.
 */

export type PlanInterval = "MONTH" | "YEAR";

/** INV-2026-000123: the year it was issued (UTC) and its place in that year's counter. */
export function invoiceNumber(year: number, sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1)
    throw new Error(`invoice sequence must be 1 or more, got ${sequence}`);
  return `INV-${year}-${String(sequence).padStart(6, "0")}`;
}

/**
 * Tax on a subtotal at `rateBps` basis points (2000 = 20 %), added on top of
 * the price. Computed once per invoice on the subtotal (not per line) in
 * exact integer arithmetic, rounded half up to the minor unit: 1 cent of tax
 * at most differs from the exact figure, and never twice on one invoice.
 */
export function taxOf(subtotal: number, rateBps: number): number {
  if (!Number.isSafeInteger(subtotal) || subtotal < 0)
    throw new Error(`subtotal must be whole minor units, got ${subtotal}`);
  if (!Number.isInteger(rateBps) || rateBps < 0) throw new Error(`tax rate must be whole basis points, got ${rateBps}`);
  const exact = BigInt(subtotal) * BigInt(rateBps);
  return Number((exact + 5000n) / 10000n);
}

export interface InvoiceLineDraft {
  description: string;
  quantity: number;
  unitPrice: number;
}

export interface InvoiceTotals {
  lines: (InvoiceLineDraft & { total: number })[];
  subtotal: number;
  tax: number;
  total: number;
}

export function invoiceTotals(lines: InvoiceLineDraft[], rateBps: number): InvoiceTotals {
  const priced = lines.map((line) => ({ ...line, total: line.quantity * line.unitPrice }));
  const subtotal = priced.reduce((sum, line) => sum + line.total, 0);
  const tax = taxOf(subtotal, rateBps);
  return { lines: priced, subtotal, tax, total: subtotal + tax };
}

/**
 * The end of a period that starts at `start`: the same day of the next month
 * (or year), in UTC, clamped to the month's last day (Jan 31 → Feb 28/29) as
 * Stripe does. Always computed from the subscription's anchor, never from the
 * previous (clamped) end, so Jan 31 → Feb 28 → Mar 31, not Mar 28.
 */
export function periodEnd(anchor: Date, interval: PlanInterval, periods: number): Date {
  const months = interval === "MONTH" ? periods : periods * 12;
  const year = anchor.getUTCFullYear();
  const month = anchor.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(anchor.getUTCDate(), lastDay);
  return new Date(
    Date.UTC(
      year,
      month,
      day,
      anchor.getUTCHours(),
      anchor.getUTCMinutes(),
      anchor.getUTCSeconds(),
      anchor.getUTCMilliseconds(),
    ),
  );
}

/** The wait before retry `attempt` (1 = the first retry after a failed charge): base × 2^(attempt-1). */
export function retryDelayMs(attempt: number, baseMs: number): number {
  return baseMs * 2 ** Math.max(0, attempt - 1);
}
