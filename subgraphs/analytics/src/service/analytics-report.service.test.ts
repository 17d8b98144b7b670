import { AnalyticsReportService, periodsOf, periodStart } from "./analytics-report.service";
import type { ReportRepository } from "../data/report.repository";

const service = new AnalyticsReportService({} as ReportRepository, { maxRangeDays: 31 });
const at = (iso: string) => new Date(iso);

describe("report periods (UTC)", () => {
  it("starts ISO weeks on Monday and months on the 1st", () => {
    // 2026-03-01 is a Sunday
    expect(periodStart(at("2026-03-01T12:00:00Z"), "WEEK").toISOString()).toBe("2026-02-23T00:00:00.000Z");
    expect(periodStart(at("2026-03-02T00:00:00Z"), "WEEK").toISOString()).toBe("2026-03-02T00:00:00.000Z");
    expect(periodStart(at("2026-03-31T23:59:59Z"), "MONTH").toISOString()).toBe("2026-03-01T00:00:00.000Z");
  });

  it("lists every period of the range, the first holding the range's first day", () => {
    expect(periodsOf({ from: "2026-03-01", to: "2026-03-04" }, "DAY")).toEqual([
      "2026-03-01",
      "2026-03-02",
      "2026-03-03",
    ]);
    expect(periodsOf({ from: "2026-03-01", to: "2026-03-10" }, "WEEK")).toEqual([
      "2026-02-23",
      "2026-03-02",
      "2026-03-09",
    ]);
    expect(periodsOf({ from: "2026-01-31", to: "2026-03-01" }, "MONTH")).toEqual(["2026-01-01", "2026-02-01"]);
    expect(periodsOf({ from: "2024-02-28", to: "2024-03-02" }, "DAY")).toEqual([
      "2024-02-28",
      "2024-02-29",
      "2024-03-01",
    ]);
  });

  it("takes the days starting in [from, to)", () => {
    expect(service.range(at("2026-03-01T00:00:00Z"), at("2026-03-08T00:00:00Z"))).toEqual({
      from: "2026-03-01",
      to: "2026-03-08",
    });
    expect(service.range(at("2026-03-01T10:00:00Z"), at("2026-03-08T00:00:01Z"))).toEqual({
      from: "2026-03-02",
      to: "2026-03-09",
    });
  });

  it("refuses from ≥ to and a range over the limit with BAD_USER_INPUT", () => {
    const code = (from: string, to: string) => {
      try {
        service.range(at(from), at(to));
        return "accepted";
      } catch (error) {
        return (error as { extensions: { code: string } }).extensions.code;
      }
    };
    expect(code("2026-03-02T00:00:00Z", "2026-03-01T00:00:00Z")).toBe("BAD_USER_INPUT");
    expect(code("2026-03-01T00:00:00Z", "2026-03-01T00:00:00Z")).toBe("BAD_USER_INPUT");
    expect(code("2026-01-01T00:00:00Z", "2026-02-01T00:00:01Z")).toBe("BAD_USER_INPUT");
    expect(code("2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z")).toBe("accepted");
  });
});
