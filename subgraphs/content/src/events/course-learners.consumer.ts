import { onEnrollmentChange, type HandlerEntry } from "@campus/events";
import type { ContentTx } from "../data/content.prisma";
import type { CourseLearnerRepository } from "../data/course-learner.repository";

export const COURSE_LEARNERS_GROUP = "content.course-learners";

/**
 * Consumes enrollment's events into CourseLearner, which decides who may see
 * and download a course's content. Every enrollment event carries the
 * enrollment's status after the change, so each one is applied the same way.
 * Eventually consistent: a learner who just enrolled may get NOT_FOUND for a
 * moment, until the event is applied; a cancel takes access away as quickly.
 */
export function courseLearnersHandlers(learners: CourseLearnerRepository): HandlerEntry<ContentTx>[] {
  return onEnrollmentChange<ContentTx>((event, tx) => learners.apply(tx, event.data, new Date(event.time)));
}
