import { onEnrollmentChange, type HandlerEntry } from "@campus/events";
import type { CatalogTx } from "../data/catalog.prisma";
import type { CourseLearnerRepository } from "../data/course-learner.repository";

export const COURSE_LEARNERS_GROUP = "catalog.course-learners";

/**
 * Consumes enrollment's events and keeps CourseLearner, catalog's own record
 * of who is enrolled in which course, so `course(id)` and `courseBySlug` can
 * show an ARCHIVED course to its learners without catalog reading
 * enrollment's database or calling it on a read.
 *
 * Every enrollment event carries the enrollment's status after the change,
 * so each one is applied the same way. Re-enrolling after a cancel reuses the
 * enrollment and emits `created` again, which grants access again.
 *
 * Eventually consistent: a learner who enrolled milliseconds before the
 * course was archived may not see it by id until the event is applied. That
 * is acceptable: their `Enrollment.course` resolves through `_entities`,
 * which does not depend on this table.
 */
export function courseLearnersHandlers(learners: CourseLearnerRepository): HandlerEntry<CatalogTx>[] {
  return onEnrollmentChange<CatalogTx>((event, tx) => learners.apply(tx, event.data, new Date(event.time)));
}
