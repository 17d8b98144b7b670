import { assignmentPublished, type Emit } from "@campus/events";
import type { AssignmentRow } from "../data/assessment.prisma";

/**
 * What `assignment.published` says: where it is, its title and due date, and
 * who instructs the course. Chosen column by column, so the instructions, the
 * questions and the answer key never reach an event.
 */
export function emitAssignmentPublished(emit: Emit, assignment: AssignmentRow): void {
  emit(assignmentPublished, assignment.id, {
    assignmentId: assignment.id,
    courseId: assignment.courseId,
    moduleId: assignment.moduleId,
    title: assignment.title,
    kind: assignment.kind,
    dueAt: assignment.dueAt?.toISOString() ?? null,
    instructorId: assignment.instructorId,
    publishedAt: (assignment.publishedAt ?? new Date()).toISOString(),
  });
}
