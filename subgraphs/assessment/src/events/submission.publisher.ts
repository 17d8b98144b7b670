import { submissionCreated, submissionGraded, type Emit } from "@campus/events";
import type { AssignmentRow, SubmissionRow } from "../data/assessment.prisma";

/**
 * What assessment's events say about a submission: who, where, which attempt,
 * when and whether late. Built from columns chosen one by one, so the text,
 * the file and the quiz answers (let alone the key) never reach an event.
 */
export function submissionFacts(assignment: AssignmentRow, submission: SubmissionRow) {
  return {
    submissionId: submission.id,
    assignmentId: assignment.id,
    assignmentTitle: assignment.title,
    kind: assignment.kind,
    courseId: assignment.courseId,
    moduleId: assignment.moduleId,
    instructorId: assignment.instructorId,
    learnerId: submission.learnerId,
    attempt: submission.attempt,
    submittedAt: submission.submittedAt!.toISOString(),
    late: submission.late,
    maxPoints: assignment.maxPoints,
  };
}

/** A submission counts (an ESSAY or QUIZ on submit, a FILE once its upload is confirmed). */
export function emitSubmitted(emit: Emit, assignment: AssignmentRow, submission: SubmissionRow): void {
  const status = submission.status === "GRADED" ? "GRADED" : "SUBMITTED";
  emit(submissionCreated, submission.id, { ...submissionFacts(assignment, submission), status });
}

/** A grade was given; `regrade` when it replaced an earlier one. */
export function emitGraded(emit: Emit, assignment: AssignmentRow, submission: SubmissionRow, regrade: boolean): void {
  emit(submissionGraded, submission.id, {
    ...submissionFacts(assignment, submission),
    points: submission.points!,
    gradedAt: submission.gradedAt!.toISOString(),
    gradedBy: submission.gradedBy,
    regrade,
  });
}
