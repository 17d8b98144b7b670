import type { LoaderRegistry } from "@campus/subgraph";
import type { AssessmentPrisma, AssessmentTx } from "./assessment.prisma";

/** Enrollment statuses that let a learner see a course's published assignments and submit: finishing keeps it. */
export const TAKES_PART = ["ACTIVE", "COMPLETED"];

export interface LearnerFact {
  enrollmentId: string;
  userId: string;
  courseId: string;
  status: "ACTIVE" | "COMPLETED" | "CANCELLED";
}

/**
 * Assessment's copy of who is enrolled where (the CourseLearner table), kept
 * by events/course-learners.consumer.ts from enrollment's events; assessment
 * never reads enrollment's tables nor calls it on a submission.
 */
export class CourseLearnerRepository {
  constructor(private readonly prisma: AssessmentPrisma) {}

  /** Whether `userId` is ACTIVE or COMPLETED in the course; one query per request and viewer. */
  takesPart(loaders: LoaderRegistry, userId: string, courseId: string): Promise<boolean> {
    return loaders
      .get<string, boolean>(`assessment:course-learner:${userId}`, async (courseIds) => {
        const rows = await this.prisma.courseLearner.findMany({
          where: { learnerId: userId, courseId: { in: [...courseIds] }, status: { in: TAKES_PART } },
          select: { courseId: true },
        });
        const found = new Set(rows.map((row) => row.courseId));
        return courseIds.map((id) => found.has(id));
      })
      .load(courseId);
  }

  /** Learners of a course who still take part. */
  async learnersOf(courseId: string): Promise<Set<string>> {
    const rows = await this.prisma.courseLearner.findMany({
      where: { courseId, status: { in: TAKES_PART } },
      select: { learnerId: true },
    });
    return new Set(rows.map((row) => row.learnerId));
  }

  /**
   * Locks the learner's row of the course until commit and says whether they
   * still take part: one learner's submissions to a course take turns, so two
   * at once cannot both take the last attempt.
   */
  async lockTakingPart(tx: AssessmentTx, userId: string, courseId: string): Promise<boolean> {
    const rows = await tx.$queryRaw<{ status: string }[]>`
      SELECT "status" FROM "assessment"."CourseLearner"
       WHERE "courseId" = ${courseId}::uuid AND "learnerId" = ${userId}::uuid FOR UPDATE`;
    return rows.length === 1 && TAKES_PART.includes(rows[0]!.status);
  }

  /**
   * Records the enrollment's status as of the event at `time`: insert when
   * absent, then update only a row set by an event no newer than this one, so
   * a replayed or late event never takes back a later cancel or re-enroll.
   */
  async apply(tx: AssessmentTx, fact: LearnerFact, time: Date): Promise<void> {
    const data = { enrollmentId: fact.enrollmentId, status: fact.status, eventTime: time };
    await tx.courseLearner.createMany({
      data: [{ courseId: fact.courseId, learnerId: fact.userId, ...data }],
      skipDuplicates: true,
    });
    await tx.courseLearner.updateMany({
      where: { courseId: fact.courseId, learnerId: fact.userId, eventTime: { lte: time } },
      data,
    });
  }
}
