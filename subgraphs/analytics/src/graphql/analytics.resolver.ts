import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "@campus/subgraph";
import type { AnalyticsReportService } from "../service/analytics-report.service";
import { GraphQLDateTimeISO } from "graphql-scalars";
import { CoursePeriod, CourseRanking, CourseReport, PlatformReport, ReportInterval } from "./analytics.types";

@Resolver(() => PlatformReport)
export class PlatformReportResolver {
  constructor(private readonly reports: AnalyticsReportService) {}

  @Query(() => PlatformReport, {
    description:
      "Admins only. from inclusive, to exclusive, counted per UTC day (the days starting in [from, to)); BAD_USER_INPUT for from ≥ to or a range over ANALYTICS_MAX_RANGE_DAYS.",
  })
  async platformReport(
    @Arg("from", () => GraphQLDateTimeISO) from: Date,
    @Arg("to", () => GraphQLDateTimeISO) to: Date,
    @Arg("interval", () => ReportInterval) interval: ReportInterval,
  ): Promise<PlatformReport> {
    const range = this.reports.range(from, to);
    const [totals, series] = await Promise.all([
      this.reports.platformTotals(range),
      this.reports.platformSeries(range, interval),
    ]);
    return { totals, series, range };
  }

  @FieldResolver(() => [CourseRanking], {
    description: "The courses with the most enrollments in the range (0 to 100).",
  })
  async topCourses(
    @Root() report: PlatformReport,
    @Arg("first", () => Int, { defaultValue: 10 }) first: number,
  ): Promise<CourseRanking[]> {
    return (await this.reports.topCourses(report.range, first)).map(({ courseId, ...figures }) => ({
      course: { id: courseId },
      ...figures,
    }));
  }
}

@Resolver(() => CourseReport)
export class CourseReportResolver {
  constructor(private readonly reports: AnalyticsReportService) {}

  @Query(() => CourseReport, {
    description:
      "The course's instructor and admins (anyone else: NOT_FOUND). from inclusive, to exclusive, per UTC day, as platformReport.",
  })
  async courseReport(
    @Arg("courseId", () => ID) courseId: string,
    @Arg("from", () => GraphQLDateTimeISO) from: Date,
    @Arg("to", () => GraphQLDateTimeISO) to: Date,
    @Ctx() ctx: SubgraphContext,
  ): Promise<CourseReport> {
    const range = this.reports.range(from, to);
    await this.reports.authorizeCourse(ctx.viewer, courseId);
    return { course: { id: courseId }, ...(await this.reports.courseSummary(courseId, range)), range };
  }

  @FieldResolver(() => [CoursePeriod])
  async series(
    @Root() report: CourseReport,
    @Arg("interval", () => ReportInterval) interval: ReportInterval,
  ): Promise<CoursePeriod[]> {
    return this.reports.courseSeries(report.course.id, report.range, interval);
  }
}
