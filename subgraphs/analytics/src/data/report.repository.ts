import { Prisma, type AnalyticsPrisma } from "./analytics.prisma";

export type Interval = "DAY" | "WEEK" | "MONTH";

/** The first day of a range and the day after its last, as `YYYY-MM-DD` (UTC). */
export interface DayRange {
  from: string;
  to: string;
}

// date_trunc('week') starts ISO weeks on Monday
const BUCKET: Record<Interval, Prisma.Sql> = {
  DAY: Prisma.sql`"day"`,
  WEEK: Prisma.sql`date_trunc('week', "day"::timestamp)::date`,
  MONTH: Prisma.sql`date_trunc('month', "day"::timestamp)::date`,
};

export interface PlatformCounts {
  period: string;
  newUsers: number;
  enrollments: number;
  completions: number;
}
export interface MoneyRow {
  period: string;
  currency: string;
  revenue: number;
  refunds: number;
}
export interface CourseCounts {
  courseId: string;
  enrollments: number;
  completions: number;
}

// periods come back as text: a DATE read into a JS Date would depend on the session's time zone
const day = (value: string) => value;
const utcMidnight = (value: string) => new Date(`${value}T00:00:00.000Z`);

/**
 * The reads behind the reports. Every one is bounded by the range: day rows
 * (one per day, per day and currency, per course and day) and, for distinct
 * learners, one row per learner active on a day of the range. No raw events.
 */
export class ReportRepository {
  constructor(private readonly prisma: AnalyticsPrisma) {}

  async platformCounts(range: DayRange, interval: Interval): Promise<PlatformCounts[]> {
    const bucket = BUCKET[interval];
    const rows = await this.prisma.$queryRaw<
      { period: string; newUsers: bigint; enrollments: bigint; completions: bigint }[]
    >`SELECT (${bucket})::text AS period, SUM("newUsers") AS "newUsers", SUM("enrollments") AS "enrollments",
             SUM("completions") AS "completions"
      FROM "analytics"."PlatformDay" WHERE "day" >= ${range.from}::date AND "day" < ${range.to}::date
      GROUP BY 1`;
    return rows.map((row) => ({
      period: day(row.period),
      newUsers: Number(row.newUsers),
      enrollments: Number(row.enrollments),
      completions: Number(row.completions),
    }));
  }

  async money(range: DayRange, interval: Interval): Promise<MoneyRow[]> {
    const rows = await this.prisma.$queryRaw<{ period: string; currency: string; revenue: bigint; refunds: bigint }[]>`
      SELECT (${BUCKET[interval]})::text AS period, "currency", SUM("revenue") AS "revenue", SUM("refunds") AS "refunds"
      FROM "analytics"."MoneyDay" WHERE "day" >= ${range.from}::date AND "day" < ${range.to}::date
      GROUP BY 1, 2`;
    return rows.map((row) => ({
      period: day(row.period),
      currency: row.currency,
      revenue: Number(row.revenue),
      refunds: Number(row.refunds),
    }));
  }

  /** Distinct active learners per period. */
  async activeLearners(range: DayRange, interval: Interval): Promise<Map<string, number>> {
    const rows = await this.prisma.$queryRaw<{ period: string; learners: bigint }[]>`
      SELECT (${BUCKET[interval]})::text AS period, COUNT(DISTINCT "userId") AS learners
      FROM "analytics"."LearnerActivity" WHERE "day" >= ${range.from}::date AND "day" < ${range.to}::date
      GROUP BY 1`;
    return new Map(rows.map((row) => [day(row.period), Number(row.learners)]));
  }

  /** Distinct learners active on any day of the range (not the sum of the periods'). */
  async activeLearnersTotal(range: DayRange): Promise<number> {
    const [row] = await this.prisma.$queryRaw<{ learners: bigint }[]>`
      SELECT COUNT(DISTINCT "userId") AS learners FROM "analytics"."LearnerActivity"
      WHERE "day" >= ${range.from}::date AND "day" < ${range.to}::date`;
    return Number(row?.learners ?? 0);
  }

  /** The courses with the most enrollments in the range (then completions, then id). */
  async topCourses(range: DayRange, first: number): Promise<CourseCounts[]> {
    const rows = await this.prisma.$queryRaw<{ courseId: string; enrollments: bigint; completions: bigint }[]>`
      SELECT "courseId"::text AS "courseId", SUM("enrollments") AS "enrollments", SUM("completions") AS "completions"
      FROM "analytics"."CourseDay" WHERE "day" >= ${range.from}::date AND "day" < ${range.to}::date
      GROUP BY 1 ORDER BY 2 DESC, 3 DESC, 1 LIMIT ${first}`;
    return rows.map((row) => ({
      courseId: row.courseId,
      enrollments: Number(row.enrollments),
      completions: Number(row.completions),
    }));
  }

  async courseCounts(courseId: string, range: DayRange, interval: Interval): Promise<PlatformCounts[]> {
    const rows = await this.prisma.$queryRaw<{ period: string; enrollments: bigint; completions: bigint }[]>`
      SELECT (${BUCKET[interval]})::text AS period, SUM("enrollments") AS "enrollments", SUM("completions") AS "completions"
      FROM "analytics"."CourseDay"
      WHERE "courseId" = ${courseId}::uuid AND "day" >= ${range.from}::date AND "day" < ${range.to}::date
      GROUP BY 1`;
    return rows.map((row) => ({
      period: day(row.period),
      newUsers: 0,
      enrollments: Number(row.enrollments),
      completions: Number(row.completions),
    }));
  }

  /** Revenue per course and currency over the range. */
  async courseRevenue(
    courseIds: string[],
    range: DayRange,
  ): Promise<{ courseId: string; currency: string; revenue: number }[]> {
    if (courseIds.length === 0) return [];
    const rows = await this.prisma.$queryRaw<{ courseId: string; currency: string; revenue: bigint }[]>`
      SELECT "courseId"::text AS "courseId", "currency", SUM("revenue") AS "revenue"
      FROM "analytics"."CourseRevenueDay"
      WHERE "courseId" = ANY(${courseIds}::uuid[]) AND "day" >= ${range.from}::date AND "day" < ${range.to}::date
      GROUP BY 1, 2 ORDER BY 2`;
    return rows.map((row) => ({ ...row, revenue: Number(row.revenue) }));
  }

  /** Average progress of the course's enrollments made in the range and not cancelled; null without any. */
  async averageProgress(courseId: string, range: DayRange): Promise<number | null> {
    const [row] = await this.prisma.$queryRaw<{ average: number | null }[]>`
      SELECT AVG("progress")::float8 AS average FROM "analytics"."EnrollmentFact"
      WHERE "courseId" = ${courseId}::uuid AND "status" <> 'CANCELLED'
        AND "enrolledAt" >= ${utcMidnight(range.from)} AND "enrolledAt" < ${utcMidnight(range.to)}`;
    return row?.average ?? null;
  }

  /** Average of points / maxPoints over the course's graded submissions submitted in the range; null without any. */
  async averageScore(courseId: string, range: DayRange): Promise<number | null> {
    const [row] = await this.prisma.$queryRaw<{ average: number | null }[]>`
      SELECT AVG("points"::float8 / "maxPoints") AS average FROM "analytics"."SubmissionFact"
      WHERE "courseId" = ${courseId}::uuid AND "points" IS NOT NULL AND "maxPoints" > 0
        AND "submittedAt" >= ${utcMidnight(range.from)} AND "submittedAt" < ${utcMidnight(range.to)}`;
    return row?.average ?? null;
  }

  async courseInstructor(courseId: string): Promise<string | null> {
    const course = await this.prisma.courseFact.findUnique({ where: { courseId }, select: { instructorId: true } });
    return course?.instructorId ?? null;
  }
}
