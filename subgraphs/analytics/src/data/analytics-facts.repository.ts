import type { AnalyticsTx } from "./analytics.prisma";

/** A UTC date as `YYYY-MM-DD`, the day a fact counts on. */
export function utcDay(time: Date | string): string {
  return new Date(time).toISOString().slice(0, 10);
}

export interface MoneyAmount {
  amount: number;
  currency: string;
}

export interface EnrollmentFactInput {
  enrollmentId: string;
  courseId: string;
  userId: string;
  status: string;
  progress: number;
}

export interface SubmissionFactInput {
  submissionId: string;
  courseId: string;
  learnerId: string;
  submittedAt: Date;
  maxPoints: number;
}

/**
 * The writes of the analytics consumer, each one statement in the consumer's
 * transaction (so the effect commits with the event's ProcessedEvent row).
 * Day counters are upserts that add, which is why a fact must never be applied
 * twice: the kit's `consume` guarantees that per event id.
 */
export class AnalyticsFactsRepository {
  async countUser(tx: AnalyticsTx, day: string): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO "analytics"."PlatformDay" ("day", "newUsers") VALUES (${day}::date, 1)
      ON CONFLICT ("day") DO UPDATE SET "newUsers" = "PlatformDay"."newUsers" + 1`;
  }

  async countEnrollment(tx: AnalyticsTx, day: string, courseId: string): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO "analytics"."PlatformDay" ("day", "enrollments") VALUES (${day}::date, 1)
      ON CONFLICT ("day") DO UPDATE SET "enrollments" = "PlatformDay"."enrollments" + 1`;
    await tx.$executeRaw`
      INSERT INTO "analytics"."CourseDay" ("courseId", "day", "enrollments") VALUES (${courseId}::uuid, ${day}::date, 1)
      ON CONFLICT ("courseId", "day") DO UPDATE SET "enrollments" = "CourseDay"."enrollments" + 1`;
  }

  async countCompletion(tx: AnalyticsTx, day: string, courseId: string): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO "analytics"."PlatformDay" ("day", "completions") VALUES (${day}::date, 1)
      ON CONFLICT ("day") DO UPDATE SET "completions" = "PlatformDay"."completions" + 1`;
    await tx.$executeRaw`
      INSERT INTO "analytics"."CourseDay" ("courseId", "day", "completions") VALUES (${courseId}::uuid, ${day}::date, 1)
      ON CONFLICT ("courseId", "day") DO UPDATE SET "completions" = "CourseDay"."completions" + 1`;
  }

  /** A learner was active on `day`; a second activity the same day adds nothing. */
  async markActive(tx: AnalyticsTx, day: string, userId: string): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO "analytics"."LearnerActivity" ("day", "userId") VALUES (${day}::date, ${userId}::uuid)
      ON CONFLICT DO NOTHING`;
  }

  async addRevenue(tx: AnalyticsTx, day: string, total: MoneyAmount): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO "analytics"."MoneyDay" ("day", "currency", "revenue") VALUES (${day}::date, ${total.currency}, ${total.amount})
      ON CONFLICT ("day", "currency") DO UPDATE SET "revenue" = "MoneyDay"."revenue" + EXCLUDED."revenue"`;
  }

  async addRefund(tx: AnalyticsTx, day: string, amount: MoneyAmount): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO "analytics"."MoneyDay" ("day", "currency", "refunds") VALUES (${day}::date, ${amount.currency}, ${amount.amount})
      ON CONFLICT ("day", "currency") DO UPDATE SET "refunds" = "MoneyDay"."refunds" + EXCLUDED."refunds"`;
  }

  async addCourseRevenue(tx: AnalyticsTx, day: string, courseId: string, price: MoneyAmount): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO "analytics"."CourseRevenueDay" ("courseId", "day", "currency", "revenue")
      VALUES (${courseId}::uuid, ${day}::date, ${price.currency}, ${price.amount})
      ON CONFLICT ("courseId", "day", "currency") DO UPDATE SET "revenue" = "CourseRevenueDay"."revenue" + EXCLUDED."revenue"`;
  }

  /** enrollment.created: a new enrollment, or a cancelled one taken up again (enrolled anew from now). */
  async enrolled(tx: AnalyticsTx, at: Date, fact: EnrollmentFactInput): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO "analytics"."EnrollmentFact" ("enrollmentId", "courseId", "userId", "enrolledAt", "status", "progress")
      VALUES (${fact.enrollmentId}::uuid, ${fact.courseId}::uuid, ${fact.userId}::uuid, ${at}, ${fact.status}, ${fact.progress})
      ON CONFLICT ("enrollmentId") DO UPDATE
        SET "enrolledAt" = EXCLUDED."enrolledAt", "status" = EXCLUDED."status", "progress" = EXCLUDED."progress"`;
  }

  /**
   * Any later enrollment event: its state after the change. One enrollment's
   * events arrive in order (subject = its id), so the latest applied is the
   * latest. An enrollment whose created event analytics never saw has no
   * enrollment date and stays out.
   */
  async enrollmentChanged(tx: AnalyticsTx, fact: EnrollmentFactInput): Promise<void> {
    await tx.$executeRaw`
      UPDATE "analytics"."EnrollmentFact" SET "status" = ${fact.status}, "progress" = ${fact.progress}
      WHERE "enrollmentId" = ${fact.enrollmentId}::uuid`;
  }

  async submitted(tx: AnalyticsTx, fact: SubmissionFactInput, points: number | null): Promise<void> {
    // created and graded of one submission arrive in order; a grade (re-grades included) replaces the points
    await tx.$executeRaw`
      INSERT INTO "analytics"."SubmissionFact" ("submissionId", "courseId", "learnerId", "submittedAt", "maxPoints", "points")
      VALUES (${fact.submissionId}::uuid, ${fact.courseId}::uuid, ${fact.learnerId}::uuid, ${fact.submittedAt},
              ${fact.maxPoints}, ${points})
      ON CONFLICT ("submissionId") DO UPDATE
        SET "maxPoints" = EXCLUDED."maxPoints", "points" = COALESCE(EXCLUDED."points", "SubmissionFact"."points")`;
  }

  /** A course's instructor and title; an older revision never overwrites a newer one. */
  async course(
    tx: AnalyticsTx,
    course: { courseId: string; revision: number; instructorId: string; title: string },
  ): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO "analytics"."CourseFact" ("courseId", "revision", "instructorId", "title")
      VALUES (${course.courseId}::uuid, ${course.revision}, ${course.instructorId}::uuid, ${course.title})
      ON CONFLICT ("courseId") DO UPDATE
        SET "revision" = EXCLUDED."revision", "instructorId" = EXCLUDED."instructorId", "title" = EXCLUDED."title"
        WHERE "CourseFact"."revision" < EXCLUDED."revision"`;
  }
}
