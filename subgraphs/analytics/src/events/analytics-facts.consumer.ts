import {
  contentCompleted,
  courseArchived,
  courseCreated,
  coursePublished,
  courseUpdated,
  enrollmentCancelled,
  enrollmentCompleted,
  enrollmentCreated,
  enrollmentProgressed,
  moduleAdded,
  moduleRemoved,
  moduleRenamed,
  modulesReordered,
  on,
  orderPaid,
  subscriptionRenewed,
  subscriptionStarted,
  orderRefunded,
  submissionCreated,
  submissionGraded,
  userRegistered,
  type HandlerEntry,
} from "@campus/events";
import { utcDay, type AnalyticsFactsRepository } from "../data/analytics-facts.repository";
import type { AnalyticsTx } from "../data/analytics.prisma";

/**
 * One group for every fact analytics counts. Each handler's writes commit in
 * the consumer's transaction together with the event's ProcessedEvent row
 * (the kit's `consume`), so a redelivered event adds nothing. A fact counts on
 * the UTC day of the event's `time` (when the producer committed it), except
 * submissions, which carry their own `submittedAt`.
 */
export const ANALYTICS_FACTS_GROUP = "analytics.facts";

export function analyticsFactsHandlers(facts: AnalyticsFactsRepository): HandlerEntry<AnalyticsTx>[] {
  const course = (definition: typeof courseCreated | typeof moduleAdded) =>
    on<AnalyticsTx, typeof definition.data>(definition, (event, tx) => facts.course(tx, event.data));
  return [
    on<AnalyticsTx, typeof userRegistered.data>(userRegistered, (event, tx) => facts.countUser(tx, utcDay(event.time))),

    on<AnalyticsTx, typeof enrollmentCreated.data>(enrollmentCreated, async (event, tx) => {
      await facts.countEnrollment(tx, utcDay(event.time), event.data.courseId);
      await facts.enrolled(tx, new Date(event.time), event.data);
    }),
    // progress is learner activity (a module completed, by hand or through content)
    on<AnalyticsTx, typeof enrollmentProgressed.data>(enrollmentProgressed, async (event, tx) => {
      await facts.markActive(tx, utcDay(event.time), event.data.userId);
      await facts.enrollmentChanged(tx, event.data);
    }),
    // always preceded by the progressed event of the same change, which marked the learner active
    on<AnalyticsTx, typeof enrollmentCompleted.data>(enrollmentCompleted, async (event, tx) => {
      await facts.countCompletion(tx, utcDay(event.time), event.data.courseId);
      await facts.enrollmentChanged(tx, event.data);
    }),
    on<AnalyticsTx, typeof enrollmentCancelled.data>(enrollmentCancelled, (event, tx) =>
      facts.enrollmentChanged(tx, event.data),
    ),

    on<AnalyticsTx, typeof orderPaid.data>(orderPaid, async (event, tx) => {
      const day = utcDay(event.time);
      await facts.addRevenue(tx, day, event.data.total);
      for (const item of event.data.items) await facts.addCourseRevenue(tx, day, item.courseId, item.price);
      await facts.markActive(tx, day, event.data.userId);
    }),
    // a subscription's payments are revenue too, per currency (a trial's start took nothing)
    ...[subscriptionStarted, subscriptionRenewed].map((definition) =>
      on<AnalyticsTx, typeof subscriptionStarted.data>(definition, async (event, tx) => {
        const day = utcDay(event.time);
        if (event.data.amountPaid.amount > 0) await facts.addRevenue(tx, day, event.data.amountPaid);
        await facts.markActive(tx, day, event.data.userId);
      }),
    ),
    // order.refunded and refund.succeeded tell the same refund: only the first is counted
    on<AnalyticsTx, typeof orderRefunded.data>(orderRefunded, (event, tx) =>
      facts.addRefund(tx, utcDay(event.time), event.data.amount),
    ),

    on<AnalyticsTx, typeof submissionCreated.data>(submissionCreated, async (event, tx) => {
      const submission = event.data;
      const submittedAt = new Date(submission.submittedAt);
      await facts.markActive(tx, utcDay(submittedAt), submission.learnerId);
      await facts.submitted(tx, { ...submission, submittedAt }, null);
    }),
    on<AnalyticsTx, typeof submissionGraded.data>(submissionGraded, (event, tx) =>
      facts.submitted(tx, { ...event.data, submittedAt: new Date(event.data.submittedAt) }, event.data.points),
    ),

    on<AnalyticsTx, typeof contentCompleted.data>(contentCompleted, (event, tx) =>
      facts.markActive(tx, utcDay(event.time), event.data.userId),
    ),

    ...[courseCreated, courseUpdated, coursePublished, courseArchived, modulesReordered].map(course),
    ...[moduleAdded, moduleRenamed, moduleRemoved].map(course),
  ];
}
