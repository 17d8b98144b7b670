import { Money } from "@campus/subgraph";
import { GraphQLDateTimeISO } from "graphql-scalars";
import { Directive, Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import type { DayRange } from "../data/report.repository";

export enum ReportInterval {
  DAY = "DAY",
  WEEK = "WEEK",
  MONTH = "MONTH",
}
registerEnumType(ReportInterval, {
  name: "ReportInterval",
  description: "Periods in UTC: days, ISO weeks (from Monday), calendar months.",
});

/** Catalog owns Course; analytics hands out references. */
@ObjectType("Course")
@Directive('@key(fields: "id")')
export class CourseEntity {
  @Field(() => ID)
  id!: string;
}

@ObjectType({ description: "A report's figures over its whole range." })
export class PlatformTotals {
  @Field(() => Int, { description: "Accounts registered." })
  newUsers!: number;

  @Field(() => Int, {
    description: "Distinct learners with progress, a submission or a purchase in the range (not a sum of periods).",
  })
  activeLearners!: number;

  @Field(() => Int, { description: "Enrollments made (a re-enrollment counts again)." })
  enrollments!: number;

  @Field(() => Int, { description: "Enrollments completed." })
  completions!: number;

  @Field(() => [Money], { description: "Paid orders' totals, per currency (refunds not subtracted)." })
  revenue!: Money[];

  @Field(() => [Money], { description: "Succeeded refunds, per currency." })
  refunds!: Money[];
}

@ObjectType({ description: "One period of a platform report; a period without activity has zeros." })
export class PlatformPeriod {
  @Field(() => GraphQLDateTimeISO, { description: "The period's first instant (UTC midnight)." })
  periodStart!: Date;

  @Field(() => Int)
  newUsers!: number;

  @Field(() => Int, { description: "Distinct learners active in this period." })
  activeLearners!: number;

  @Field(() => Int)
  enrollments!: number;

  @Field(() => Int)
  completions!: number;

  @Field(() => [Money])
  revenue!: Money[];
}

@ObjectType({ description: "A course's place in a platform report." })
export class CourseRanking {
  @Field(() => CourseEntity)
  course!: CourseEntity;

  @Field(() => Int, { description: "Enrollments made in the range." })
  enrollments!: number;

  @Field(() => Int, { description: "Completions in the range." })
  completions!: number;

  @Field(() => Float, { description: "completions / enrollments in the range (0 without enrollments)." })
  completionRate!: number;

  @Field(() => [Money], { description: "Prices of its items in orders paid in the range, per currency." })
  revenue!: Money[];
}

@ObjectType({ description: "The whole platform over a range (admins only)." })
export class PlatformReport {
  @Field(() => PlatformTotals)
  totals!: PlatformTotals;

  @Field(() => [PlatformPeriod])
  series!: PlatformPeriod[];

  /** The report's days, for topCourses. */
  range!: DayRange;
}

@ObjectType({ description: "One period of a course report; a period without activity has zeros." })
export class CoursePeriod {
  @Field(() => GraphQLDateTimeISO, { description: "The period's first instant (UTC midnight)." })
  periodStart!: Date;

  @Field(() => Int)
  enrollments!: number;

  @Field(() => Int)
  completions!: number;
}

@ObjectType({ description: "One course over a range (its instructor and admins)." })
export class CourseReport {
  @Field(() => CourseEntity)
  course!: CourseEntity;

  @Field(() => Int, { description: "Enrollments made in the range." })
  enrollments!: number;

  @Field(() => Int, { description: "Completions in the range." })
  completions!: number;

  @Field(() => Float, { description: "completions / enrollments in the range (0 without enrollments)." })
  completionRate!: number;

  @Field(() => Float, {
    nullable: true,
    description: "Current progress (0..1) of the enrollments made in the range and not cancelled; null without any.",
  })
  averageProgress!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      "Points / max points (0..1) of the graded submissions submitted in the range, latest grade; null without any.",
  })
  averageScore!: number | null;

  @Field(() => [Money], { description: "Prices of its items in orders paid in the range, per currency." })
  revenue!: Money[];

  /** The report's days, for series. */
  range!: DayRange;
}
