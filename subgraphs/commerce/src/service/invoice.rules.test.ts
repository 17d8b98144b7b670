import { invoiceNumber, invoiceTotals, periodEnd, retryDelayMs, taxOf } from "./invoice.rules";

describe("invoice numbers", () => {
  it("are INV-<year>-<six digits or more>", () => {
    expect(invoiceNumber(2026, 123)).toBe("INV-2026-000123");
    expect(invoiceNumber(2027, 1)).toBe("INV-2027-000001");
    expect(invoiceNumber(2026, 1_234_567)).toBe("INV-2026-1234567");
  });

  it("refuses a sequence that is not a positive whole number", () => {
    expect(() => invoiceNumber(2026, 0)).toThrow();
    expect(() => invoiceNumber(2026, 1.5)).toThrow();
  });
});

describe("tax", () => {
  it.each([
    [999, 2000, 200], // 199.8 → 200
    [1000, 2000, 200],
    [1, 2000, 0], // 0.2 → 0
    [25, 2000, 5],
    [5, 1000, 1], // 0.5 → 1: half rounds up
    [15, 1000, 2], // 1.5 → 2
    [14, 1000, 1], // 1.4 → 1
    [4999, 0, 0],
    [123_456_789, 1950, 24_074_074], // 24 074 073.855 → 24 074 074, exact in integers
  ])("of %i at %i bps is %i", (subtotal, bps, tax) => {
    expect(taxOf(subtotal, bps)).toBe(tax);
  });

  it("is computed once on the subtotal, not per line", () => {
    // per line: 3 × round(0.5) = 3; on the subtotal: round(1.5) = 2
    const totals = invoiceTotals(
      [
        { description: "a", quantity: 1, unitPrice: 5 },
        { description: "b", quantity: 2, unitPrice: 5 },
      ],
      1000,
    );
    expect(totals).toMatchObject({ subtotal: 15, tax: 2, total: 17 });
    expect(totals.lines.map((line) => line.total)).toEqual([5, 10]);
  });

  it("refuses fractions of a minor unit and negative rates", () => {
    expect(() => taxOf(10.5, 2000)).toThrow();
    expect(() => taxOf(10, -1)).toThrow();
  });
});

describe("billing periods", () => {
  const at = (iso: string) => new Date(iso);

  it("end on the same day of the next month or year, in UTC", () => {
    expect(periodEnd(at("2026-03-15T10:30:00.000Z"), "MONTH", 1).toISOString()).toBe("2026-04-15T10:30:00.000Z");
    expect(periodEnd(at("2026-12-02T07:00:00.000Z"), "MONTH", 1).toISOString()).toBe("2027-01-02T07:00:00.000Z");
    expect(periodEnd(at("2026-03-15T10:30:00.000Z"), "YEAR", 1).toISOString()).toBe("2027-03-15T10:30:00.000Z");
  });

  it("clamp to the month's last day without drifting: Jan 31 → Feb 28 → Mar 31", () => {
    const anchor = at("2027-01-31T00:00:00.000Z");
    expect(periodEnd(anchor, "MONTH", 1).toISOString()).toBe("2027-02-28T00:00:00.000Z");
    expect(periodEnd(anchor, "MONTH", 2).toISOString()).toBe("2027-03-31T00:00:00.000Z");
    expect(periodEnd(at("2028-01-31T00:00:00.000Z"), "MONTH", 1).toISOString()).toBe("2028-02-29T00:00:00.000Z");
    expect(periodEnd(at("2028-02-29T00:00:00.000Z"), "YEAR", 1).toISOString()).toBe("2029-02-28T00:00:00.000Z");
  });
});

describe("retry backoff", () => {
  it("doubles from the base", () => {
    expect([1, 2, 3].map((attempt) => retryDelayMs(attempt, 1000))).toEqual([1000, 2000, 4000]);
  });
});
