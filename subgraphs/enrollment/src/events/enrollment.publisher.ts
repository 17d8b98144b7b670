import { enrollmentCompleted, enrollmentProgressed, type Emit } from "@campus/events";
import type { EnrollmentRow } from "../data/enrollment.prisma";

/** What enrollment's events say about an enrollment. */
export function enrollmentFacts(row: EnrollmentRow) {
  return {
    enrollmentId: row.id,
    userId: row.userId,
    courseId: row.courseId,
    status: row.status,
    progress: row.progress,
  };
}

/** A progress change publishes `progressed`, and `completed` too when it finished the course. */
export function emitProgress(emit: Emit, before: EnrollmentRow, after: EnrollmentRow): void {
  if (before.progress === after.progress && before.status === after.status) return;
  emit(enrollmentProgressed, after.id, enrollmentFacts(after));
  if (before.status !== "COMPLETED" && after.status === "COMPLETED")
    emit(enrollmentCompleted, after.id, enrollmentFacts(after));
}
