import { contentCompleted, on, type HandlerEntry } from "@campus/events";
import type { EnrollmentTx } from "../data/enrollment.prisma";
import type { EnrollmentService } from "../service/enrollment.service";

export const CONTENT_PROGRESS_GROUP = "enrollment.content-progress";

/**
 * Consumes content's completions: a module whose READY content a learner
 * completed counts as a completed module of their enrollment, so progress
 * follows from content while enrollment stays its owner (and `updateProgress`
 * keeps working beside it).
 */
export function contentProgressHandlers(enrollments: EnrollmentService): HandlerEntry<EnrollmentTx>[] {
  return [on(contentCompleted, (event, tx, emit) => enrollments.moduleCompletedThroughContent(tx, emit, event.data))];
}
