import {
  courseArchived,
  courseCreated,
  coursePublished,
  courseUpdated,
  moduleAdded,
  moduleRemoved,
  moduleRenamed,
  modulesReordered,
  on,
  type CampusEvent,
  type CourseSnapshot,
  type Emit,
  type HandlerEntry,
} from "@campus/events";
import type { CourseProjectionRepository } from "../data/course-projection.repository";
import type { EnrollmentTx } from "../data/enrollment.prisma";
import type { EnrollmentService } from "../service/enrollment.service";

export const COURSE_PROJECTION_GROUP = "enrollment.course-projection";

/**
 * Consumes catalog's course events: keeps the course projection current and,
 * when a course's modules change, has the service recompute its enrollments'
 * progress in the same transaction (the progress events it emits leave with
 * it through the outbox).
 */
export function courseProjectionHandlers(
  projection: CourseProjectionRepository,
  enrollments: EnrollmentService,
): HandlerEntry<EnrollmentTx>[] {
  const keep = (event: CampusEvent<CourseSnapshot>, tx: EnrollmentTx) => projection.apply(tx, event.data);
  const keepAndRecompute = async (event: CampusEvent<CourseSnapshot>, tx: EnrollmentTx, emit: Emit) => {
    await projection.apply(tx, event.data);
    await enrollments.courseModulesChanged(tx, emit, event.data);
  };
  return [
    on(courseCreated, keep),
    on(courseUpdated, keep),
    on(coursePublished, keep),
    on(courseArchived, keep),
    on(moduleRenamed, keep),
    on(modulesReordered, keep),
    on(moduleAdded, keepAndRecompute),
    on(moduleRemoved, keepAndRecompute),
  ];
}
