import type { AssignmentRow } from "../data/assessment.prisma";

export interface GradebookGrade {
  assignment: AssignmentRow;
  /** The learner's best graded attempt; null while none is graded. */
  points: number | null;
}

export interface GradebookRow {
  learnerId: string;
  points: number;
  maxPoints: number;
  grades: GradebookGrade[];
}

/**
 * A course's gradebook: one row per learner who takes part in the course and
 * has handed something in, one grade per published assignment. The rule: an
 * assignment counts with the learner's BEST graded attempt (a re-grade
 * replaces that attempt's points; an attempt not graded yet counts nothing).
 * maxPoints is the sum over the published assignments, the same for everyone.
 */
export function buildGradebook(
  assignments: readonly AssignmentRow[],
  learnerIds: readonly string[],
  graded: readonly { learnerId: string; assignmentId: string; points: number | null }[],
): GradebookRow[] {
  const published = assignments.filter((assignment) => assignment.status === "PUBLISHED");
  const maxPoints = published.reduce((sum, assignment) => sum + assignment.maxPoints, 0);
  const best = new Map<string, number>();
  for (const row of graded) {
    if (row.points === null) continue;
    const key = `${row.learnerId}:${row.assignmentId}`;
    best.set(key, Math.max(best.get(key) ?? 0, row.points));
  }
  return learnerIds.map((learnerId) => {
    const grades = published.map((assignment) => ({
      assignment,
      points: best.get(`${learnerId}:${assignment.id}`) ?? null,
    }));
    return { learnerId, points: grades.reduce((sum, grade) => sum + (grade.points ?? 0), 0), maxPoints, grades };
  });
}
