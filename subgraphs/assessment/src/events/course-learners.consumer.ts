import { onEnrollmentChange, type HandlerEntry } from "@campus/events";
import type { AssessmentTx } from "../data/assessment.prisma";
import type { CourseLearnerRepository } from "../data/course-learner.repository";

export const COURSE_LEARNERS_GROUP = "assessment.course-learners";

/**
 * Consumes enrollment's events and keeps CourseLearner: who may see a
 * course's published assignments and submit to them. Every enrollment event
 * carries the enrollment's status after the change, so each is applied the
 * same way; re-enrolling after a cancel emits `created` again.
 *
 * Eventually consistent: a learner who enrolled a moment ago may get
 * NOT_FOUND from submitAssignment until the event is applied.
 */
export function courseLearnersHandlers(learners: CourseLearnerRepository): HandlerEntry<AssessmentTx>[] {
  return onEnrollmentChange<AssessmentTx>((event, tx) => learners.apply(tx, event.data, new Date(event.time)));
}
