import { viewerIsAdmin, type Viewer } from "@campus/auth";
import { badInput, notFound } from "@campus/errors";
import type { DayRange, Interval, MoneyRow, ReportRepository } from "../data/report.repository";

const DAY_MS = 86_400_000;

export interface Money {
  amount: number;
  currency: string;
}

export interface SeriesPoint {
  periodStart: Date;
  newUsers: number;
  activeLearners: number;
  enrollments: number;
  completions: number;
  revenue: Money[];
}

export interface PlatformTotals {
  newUsers: number;
  activeLearners: number;
  enrollments: number;
  completions: number;
  revenue: Money[];
  refunds: Money[];
}

export interface CourseSummary {
  courseId: string;
  enrollments: number;
  completions: number;
  completionRate: number;
  revenue: Money[];
}

/** The start of the period (UTC) holding `day`: the day, its ISO week's Monday or its month's first day. */
export function periodStart(day: Date, interval: Interval): Date {
  const start = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()));
  if (interval === "WEEK") start.setUTCDate(start.getUTCDate() - ((start.getUTCDay() + 6) % 7));
  if (interval === "MONTH") start.setUTCDate(1);
  return start;
}

function nextPeriod(start: Date, interval: Interval): Date {
  const next = new Date(start);
  if (interval === "DAY") next.setUTCDate(next.getUTCDate() + 1);
  else if (interval === "WEEK") next.setUTCDate(next.getUTCDate() + 7);
  else next.setUTCMonth(next.getUTCMonth() + 1);
  return next;
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** Every period of the range in order, the first one holding the range's first day (empty ones too). */
export function periodsOf(range: DayRange, interval: Interval): string[] {
  const periods: string[] = [];
  const end = new Date(`${range.to}T00:00:00.000Z`);
  for (let start = periodStart(new Date(`${range.from}T00:00:00.000Z`), interval); start < end;) {
    periods.push(isoDay(start));
    start = nextPeriod(start, interval);
  }
  return periods;
}

const rate = (completions: number, enrollments: number) => (enrollments === 0 ? 0 : completions / enrollments);

const byCurrency = (amounts: Map<string, number>): Money[] =>
  [...amounts].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amount]) => ({ amount, currency }));

function addTo(amounts: Map<string, number>, currency: string, amount: number) {
  amounts.set(currency, (amounts.get(currency) ?? 0) + amount);
}

/**
 * Platform and course reports (docs/analytics.md). Analytics counts per UTC
 * day, so a range is the days whose start lies in [from, to): from inclusive,
 * to exclusive. A series has every period of the range, empty ones as zeros;
 * its first and last periods count only the range's days.
 */
export class AnalyticsReportService {
  constructor(
    private readonly reports: ReportRepository,
    private readonly options: { maxRangeDays: number },
  ) {}

  /** Checks a range and turns it into days; BAD_USER_INPUT for from ≥ to or a range over the limit. */
  range(from: Date, to: Date): DayRange {
    if (!(from.getTime() < to.getTime())) throw badInput("from must be before to", { field: "from" });
    if (to.getTime() - from.getTime() > this.options.maxRangeDays * DAY_MS)
      throw badInput(`A report covers at most ${this.options.maxRangeDays} days`, {
        field: "to",
        maxRangeDays: this.options.maxRangeDays,
      });
    // the first day starting at or after `from`, and the first day starting at or after `to`
    const ceilDay = (time: Date) => isoDay(new Date(Math.ceil(time.getTime() / DAY_MS) * DAY_MS));
    return { from: ceilDay(from), to: ceilDay(to) };
  }

  async platformTotals(range: DayRange): Promise<PlatformTotals> {
    const [counts, money, activeLearners] = await Promise.all([
      this.reports.platformCounts(range, "MONTH"),
      this.reports.money(range, "MONTH"),
      this.reports.activeLearnersTotal(range),
    ]);
    const revenue = new Map<string, number>();
    const refunds = new Map<string, number>();
    for (const row of money) {
      if (row.revenue) addTo(revenue, row.currency, row.revenue);
      if (row.refunds) addTo(refunds, row.currency, row.refunds);
    }
    const sum = (key: "newUsers" | "enrollments" | "completions") => counts.reduce((total, row) => total + row[key], 0);
    return {
      newUsers: sum("newUsers"),
      activeLearners,
      enrollments: sum("enrollments"),
      completions: sum("completions"),
      revenue: byCurrency(revenue),
      refunds: byCurrency(refunds),
    };
  }

  async platformSeries(range: DayRange, interval: Interval): Promise<SeriesPoint[]> {
    const [counts, money, active] = await Promise.all([
      this.reports.platformCounts(range, interval),
      this.reports.money(range, interval),
      this.reports.activeLearners(range, interval),
    ]);
    const countsOf = new Map(counts.map((row) => [row.period, row]));
    const moneyOf = new Map<string, MoneyRow[]>();
    for (const row of money) moneyOf.set(row.period, [...(moneyOf.get(row.period) ?? []), row]);
    return periodsOf(range, interval).map((period) => {
      const row = countsOf.get(period);
      const revenue = new Map<string, number>();
      for (const amount of moneyOf.get(period) ?? [])
        if (amount.revenue) addTo(revenue, amount.currency, amount.revenue);
      return {
        periodStart: new Date(`${period}T00:00:00.000Z`),
        newUsers: row?.newUsers ?? 0,
        activeLearners: active.get(period) ?? 0,
        enrollments: row?.enrollments ?? 0,
        completions: row?.completions ?? 0,
        revenue: byCurrency(revenue),
      };
    });
  }

  async topCourses(range: DayRange, first: number): Promise<CourseSummary[]> {
    if (first < 0 || first > 100) throw badInput("first must be between 0 and 100", { field: "first" });
    if (first === 0) return [];
    const courses = await this.reports.topCourses(range, first);
    const revenue = await this.reports.courseRevenue(
      courses.map((course) => course.courseId),
      range,
    );
    return courses.map((course) => ({
      ...course,
      completionRate: rate(course.completions, course.enrollments),
      revenue: revenue
        .filter((row) => row.courseId === course.courseId)
        .map((row) => ({ amount: row.revenue, currency: row.currency })),
    }));
  }

  /** The course's instructor and admins; anyone else learns nothing of it (NOT_FOUND). */
  async authorizeCourse(viewer: Viewer, courseId: string): Promise<void> {
    const instructorId = await this.reports.courseInstructor(courseId);
    if (instructorId === null) throw notFound("Course");
    if (!viewerIsAdmin(viewer) && instructorId !== viewer.userId) throw notFound("Course");
  }

  async courseSummary(courseId: string, range: DayRange) {
    const [counts, revenue, averageProgress, averageScore] = await Promise.all([
      this.reports.courseCounts(courseId, range, "MONTH"),
      this.reports.courseRevenue([courseId], range),
      this.reports.averageProgress(courseId, range),
      this.reports.averageScore(courseId, range),
    ]);
    const enrollments = counts.reduce((total, row) => total + row.enrollments, 0);
    const completions = counts.reduce((total, row) => total + row.completions, 0);
    return {
      enrollments,
      completions,
      completionRate: rate(completions, enrollments),
      averageProgress,
      averageScore,
      revenue: revenue.map((row) => ({ amount: row.revenue, currency: row.currency })),
    };
  }

  async courseSeries(courseId: string, range: DayRange, interval: Interval) {
    const counts = new Map(
      (await this.reports.courseCounts(courseId, range, interval)).map((row) => [row.period, row]),
    );
    return periodsOf(range, interval).map((period) => ({
      periodStart: new Date(`${period}T00:00:00.000Z`),
      enrollments: counts.get(period)?.enrollments ?? 0,
      completions: counts.get(period)?.completions ?? 0,
    }));
  }
}
