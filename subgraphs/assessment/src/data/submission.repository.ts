import { byKey, groupByKey, isUuid, keysetAfter, type Keyset, type LoaderRegistry } from "@campus/subgraph";
import type { AssessmentPrisma, SubmissionRow, SubmissionStatus } from "./assessment.prisma";

/** Submissions that count as attempts: a FILE waiting for its upload does not. */
export const COUNTED: SubmissionStatus[] = ["SUBMITTED", "GRADED"];

/** Submission reads, batched per request where a response may ask many times. */
export class SubmissionRepository {
  constructor(private readonly prisma: AssessmentPrisma) {}

  byId(loaders: LoaderRegistry, id: string): Promise<SubmissionRow | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return loaders
      .get<string, SubmissionRow | null>("assessment:submission", async (ids) =>
        byKey(ids, await this.prisma.submission.findMany({ where: { id: { in: [...ids] } } }), (row) => row.id),
      )
      .load(id);
  }

  /** One learner's submissions to an assignment, by attempt; batched over the request's assignments. */
  ofLearner(loaders: LoaderRegistry, learnerId: string, assignmentId: string): Promise<SubmissionRow[]> {
    return loaders
      .get<string, SubmissionRow[]>(`assessment:learner-submissions:${learnerId}`, async (ids) =>
        groupByKey(
          ids,
          await this.prisma.submission.findMany({
            where: { learnerId, assignmentId: { in: [...ids] } },
            orderBy: { attempt: "asc" },
          }),
          (row) => row.assignmentId,
        ),
      )
      .load(assignmentId);
  }

  /** An assignment's counted submissions in the order they came in, keyset-paged on (submittedAt, id). */
  async page(assignmentId: string, take: number, after: Keyset | undefined) {
    const where = { assignmentId, status: { in: COUNTED } };
    const [rows, totalCount] = await Promise.all([
      this.prisma.submission.findMany({
        where: after ? { AND: [where, keysetAfter("submittedAt", after, "asc")] } : where,
        orderBy: [{ submittedAt: "asc" }, { id: "asc" }],
        take: take + 1,
      }),
      this.prisma.submission.count({ where }),
    ]);
    return { rows, totalCount };
  }

  /** The graded submissions of a course: what its gradebook is made of. */
  gradedOfCourse(courseId: string) {
    return this.prisma.submission.findMany({
      where: { courseId, status: "GRADED" },
      select: { learnerId: true, assignmentId: true, points: true },
    });
  }

  /**
   * FILE submissions still PENDING_UPLOAD since before `before`, oldest first,
   * keyset-paged on (createdAt, id): what the sweep removes.
   */
  pendingBefore(before: Date, take: number, after?: Keyset) {
    const where = { status: "PENDING_UPLOAD" as const, createdAt: { lt: before } };
    return this.prisma.submission.findMany({
      where: after ? { AND: [where, keysetAfter("createdAt", after, "asc")] } : where,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true, courseId: true, learnerId: true, createdAt: true },
      take,
    });
  }

  /** The stored file keys of these submissions that still exist, for the sweep's stray files. */
  async fileKeysOf(ids: string[]): Promise<Set<string>> {
    const rows = await this.prisma.submission.findMany({
      where: { id: { in: ids.filter(isUuid) } },
      select: { fileKey: true },
    });
    return new Set(rows.flatMap((row) => (row.fileKey ? [row.fileKey] : [])));
  }

  /** Who has a counted submission in the course. */
  async submittersOf(courseId: string): Promise<string[]> {
    const rows = await this.prisma.submission.findMany({
      where: { courseId, status: { in: COUNTED } },
      select: { learnerId: true },
      distinct: ["learnerId"],
      orderBy: { learnerId: "asc" },
    });
    return rows.map((row) => row.learnerId);
  }
}
