import type { LoaderRegistry } from "@campus/subgraph";
import type { CatalogPrisma, CatalogTx } from "./catalog.prisma";

/** Enrollment statuses that keep an archived course readable: finishing a course keeps access to it. */
const HOLDS_ACCESS = ["ACTIVE", "COMPLETED"];

export interface LearnerFact {
  enrollmentId: string;
  userId: string;
  courseId: string;
  status: "ACTIVE" | "COMPLETED" | "CANCELLED";
}

/**
 * Catalog's copy of who is enrolled where (the CourseLearner table), kept by
 * events/course-learners.consumer.ts from enrollment's events. Catalog never reads
 * enrollment's tables; this copy is what it decides on.
 */
export class CourseLearnerRepository {
  constructor(private readonly prisma: CatalogPrisma) {}

  /**
   * Whether `userId` holds (or held to completion) an enrollment in the course.
   * One query per request and viewer, however many courses the request asks
   * about (aliases of `course`/`courseBySlug`): the viewer is fixed for a
   * request, so the loader is keyed by course id under the viewer's name.
   */
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
   * Records the enrollment's status as of the event at `time`: insert when
   * absent, then update only a row set by an event no newer than this one, so
   * a replayed or late event never takes back a later cancel or re-enroll.
   * Events of one enrollment share its id as subject and arrive in order;
   * this keeps the table right even when they do not.
   */
  async apply(tx: CatalogTx, fact: LearnerFact, time: Date): Promise<void> {
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
