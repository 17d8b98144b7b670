import type { LoaderRegistry } from "@campus/subgraph";
import type { ContentPrisma, ContentTx } from "./content.prisma";

/** Enrollment statuses that give access to a course's content: finishing a course keeps it. */
const HOLDS_ACCESS = ["ACTIVE", "COMPLETED"];

export interface LearnerFact {
  enrollmentId: string;
  userId: string;
  courseId: string;
  status: "ACTIVE" | "COMPLETED" | "CANCELLED";
}

/**
 * Content's copy of who is enrolled where (CourseLearner), kept by
 * events/course-learners.consumer.ts from enrollment's events. Content never
 * calls enrollment or reads its tables; this copy is what it decides on.
 */
export class CourseLearnerRepository {
  constructor(private readonly prisma: ContentPrisma) {}

  /** Whether `userId` holds an ACTIVE or COMPLETED enrollment in the course; one query per request and viewer. */
  holdsAccess(loaders: LoaderRegistry, userId: string, courseId: string): Promise<boolean> {
    return loaders
      .get<string, boolean>(`courseLearner:${userId}`, async (courseIds) => {
        const rows = await this.prisma.courseLearner.findMany({
          where: { userId, courseId: { in: [...courseIds] }, status: { in: HOLDS_ACCESS } },
          select: { courseId: true },
        });
        const granted = new Set(rows.map((row) => row.courseId));
        return courseIds.map((id) => granted.has(id));
      })
      .load(courseId);
  }

  /**
   * Records the enrollment's status as of the event at `time`; a replayed or
   * late event never takes back a later cancel or re-enroll (as catalog's copy).
   */
  async apply(tx: ContentTx, fact: LearnerFact, time: Date): Promise<void> {
    const data = { enrollmentId: fact.enrollmentId, status: fact.status, eventTime: time };
    await tx.courseLearner.createMany({
      data: [{ courseId: fact.courseId, userId: fact.userId, ...data }],
      skipDuplicates: true,
    });
    await tx.courseLearner.updateMany({
      where: { courseId: fact.courseId, userId: fact.userId, eventTime: { lte: time } },
      data,
    });
  }
}
