import { byKey, groupByKey, isUuid, type LoaderRegistry } from "@campus/subgraph";
import type { AssessmentPrisma, AssignmentRow, QuestionRow } from "./assessment.prisma";

/** A question as anyone may see it: the answer key is not selected, so it cannot leak by accident. */
export type PublicQuestion = Omit<QuestionRow, "correct">;

/**
 * Reads of assignments and their questions, through the request's loaders:
 * a course's assignments with their questions cost one query per relation.
 * Answer keys are read by `answerKey` only, for grading.
 */
export class AssignmentRepository {
  constructor(private readonly prisma: AssessmentPrisma) {}

  byId(loaders: LoaderRegistry, id: string): Promise<AssignmentRow | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return loaders
      .get<string, AssignmentRow | null>("assessment:assignment", async (ids) =>
        byKey(ids, await this.prisma.assignment.findMany({ where: { id: { in: [...ids] } } }), (row) => row.id),
      )
      .load(id);
  }

  /** A course's assignments, oldest first. */
  ofCourse(loaders: LoaderRegistry, courseId: string): Promise<AssignmentRow[]> {
    if (!isUuid(courseId)) return Promise.resolve([]);
    return loaders
      .get<string, AssignmentRow[]>("assessment:course-assignments", async (ids) =>
        groupByKey(
          ids,
          await this.prisma.assignment.findMany({
            where: { courseId: { in: [...ids] } },
            orderBy: [{ createdAt: "asc" }, { id: "asc" }],
          }),
          (row) => row.courseId,
        ),
      )
      .load(courseId);
  }

  /** A quiz's questions in order, without their answer keys. */
  questions(loaders: LoaderRegistry, assignmentId: string): Promise<PublicQuestion[]> {
    return loaders
      .get<string, PublicQuestion[]>("assessment:questions", async (ids) =>
        groupByKey(
          ids,
          await this.prisma.question.findMany({
            where: { assignmentId: { in: [...ids] } },
            select: { assignmentId: true, position: true, prompt: true, choices: true, points: true },
            orderBy: { position: "asc" },
          }),
          (row) => row.assignmentId,
        ),
      )
      .load(assignmentId);
  }

  /** The questions with their correct choices: for grading, nothing else. */
  answerKey(assignmentId: string): Promise<QuestionRow[]> {
    return this.prisma.question.findMany({ where: { assignmentId }, orderBy: { position: "asc" } });
  }
}
