import {
  assignmentPublished,
  contentPublished,
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
  orderPaymentFailed,
  invoiceIssued,
  refundSucceeded,
  submissionCreated,
  subscriptionPastDue,
  subscriptionRenewed,
  submissionGraded,
  userPasswordChanged,
  userProfileUpdated,
  userRegistered,
  type HandlerEntry,
} from "@campus/events";
import type { FactsRepository } from "../data/facts.repository";
import type { NotificationTx } from "../data/notification.prisma";
import { formatMoney, NotificationKind } from "../service/kinds";
import type { Notifier } from "../service/notifier";

/**
 * One group for everything notification hears, so the facts a notice is
 * written with (a course's title, who is enrolled, a user's address) are
 * kept by the same consumer that tells: each handler updates the facts and
 * notifies in one transaction with the event's ProcessedEvent row
 * (effectively once). Which event makes which kind: service/kinds.ts.
 */
export const NOTICES_GROUP = "notification.notices";

export interface NoticeHandlerOptions {
  /** New content is gathered per learner and course in windows of this length (service/scheduler.ts tells them). */
  digestWindowMs: number;
  now?: () => Date;
}

type Tx = NotificationTx;

export function noticeHandlers(
  facts: FactsRepository,
  notifier: Notifier,
  options: NoticeHandlerOptions,
): HandlerEntry<Tx>[] {
  const now = options.now ?? (() => new Date());
  const courseTitle = async (tx: Tx, courseId: string) => (await facts.course(tx, courseId))?.title ?? "";

  return [
    // identity
    on<Tx, typeof userRegistered.data>(userRegistered, async (event, tx) => {
      const user = event.data;
      await facts.applyRecipient(tx, { ...user, changedAt: new Date(event.time) });
      await notifier.addressKnown(tx, user.userId);
      await notifier.notify(tx, {
        userId: user.userId,
        kind: NotificationKind.WELCOME,
        sourceId: user.userId,
        facts: { name: user.name },
      });
    }),
    on<Tx, typeof userProfileUpdated.data>(userProfileUpdated, (event, tx) =>
      facts.applyRecipient(tx, { userId: event.data.userId, name: event.data.name, changedAt: new Date(event.time) }),
    ),
    on<Tx, typeof userPasswordChanged.data>(userPasswordChanged, (event, tx) =>
      // every change is its own fact: the event's id is the source
      notifier.notify(tx, {
        userId: event.data.userId,
        kind: NotificationKind.SECURITY,
        sourceId: event.id,
        facts: {},
      }),
    ),

    // catalog: titles and instructors
    ...[
      courseCreated,
      courseUpdated,
      coursePublished,
      courseArchived,
      modulesReordered,
      moduleAdded,
      moduleRenamed,
      moduleRemoved,
    ].map((definition) =>
      on<Tx, typeof courseCreated.data>(definition as typeof courseCreated, (event, tx) =>
        facts.applyCourse(tx, event.data),
      ),
    ),

    // enrollment: who is enrolled where, and the two notices
    ...[enrollmentCreated, enrollmentProgressed, enrollmentCompleted, enrollmentCancelled].map((definition) =>
      on<Tx, typeof enrollmentCreated.data>(definition, async (event, tx) => {
        const enrollment = event.data;
        await facts.applyLearner(tx, {
          courseId: enrollment.courseId,
          userId: enrollment.userId,
          status: enrollment.status,
          changedAt: new Date(event.time),
        });
        const kind =
          definition === enrollmentCreated
            ? NotificationKind.ENROLLED
            : definition === enrollmentCompleted
              ? NotificationKind.COURSE_COMPLETED
              : undefined;
        if (!kind) return;
        await notifier.notify(tx, {
          userId: enrollment.userId,
          kind,
          sourceId: enrollment.enrollmentId,
          facts: { course: await courseTitle(tx, enrollment.courseId), courseId: enrollment.courseId },
        });
      }),
    ),

    // content: a new item goes into each active learner's digest of the course
    on<Tx, typeof contentPublished.data>(contentPublished, async (event, tx) => {
      const item = event.data;
      if (!(await facts.firstSight(tx, item.contentId, item.courseId))) return;
      const learners = await facts.activeLearners(tx, item.courseId);
      if (learners.length === 0) return;
      await facts.addToDigests(tx, item.courseId, learners, digestWindow(now(), options.digestWindowMs), item.title);
    }),

    // assessment
    on<Tx, typeof submissionCreated.data>(submissionCreated, async (event, tx) => {
      const submission = event.data;
      const course = await facts.course(tx, submission.courseId);
      const learner = await facts.recipient(tx, submission.learnerId);
      await notifier.notify(tx, {
        // catalog's instructor of the course when known (it may have changed since the assignment was made)
        userId: course?.instructorId ?? submission.instructorId,
        kind: NotificationKind.SUBMISSION_RECEIVED,
        sourceId: submission.submissionId,
        facts: {
          assignment: submission.assignmentTitle,
          assignmentId: submission.assignmentId,
          submissionId: submission.submissionId,
          course: course?.title ?? "",
          courseId: submission.courseId,
          learner: learner?.name ?? "",
          late: submission.late ? 1 : 0,
        },
      });
    }),
    on<Tx, typeof submissionGraded.data>(submissionGraded, async (event, tx) => {
      const grade = event.data;
      await notifier.notify(tx, {
        userId: grade.learnerId,
        kind: NotificationKind.SUBMISSION_GRADED,
        // a re-grade is a new fact; the same grade delivered twice is not
        sourceId: `${grade.submissionId}@${grade.gradedAt}`,
        facts: {
          assignment: grade.assignmentTitle,
          assignmentId: grade.assignmentId,
          courseId: grade.courseId,
          points: grade.points,
          maxPoints: grade.maxPoints,
          attempt: grade.attempt,
        },
      });
    }),
    on<Tx, typeof assignmentPublished.data>(assignmentPublished, async (event, tx) => {
      const assignment = event.data;
      if (!assignment.dueAt) return;
      await facts.applyAssignment(tx, {
        assignmentId: assignment.assignmentId,
        courseId: assignment.courseId,
        title: assignment.title,
        dueAt: new Date(assignment.dueAt),
      });
    }),

    // commerce: to the buyer
    on<Tx, typeof orderPaid.data>(orderPaid, (event, tx) =>
      notifier.notify(tx, {
        userId: event.data.userId,
        kind: NotificationKind.ORDER_PAID,
        sourceId: event.data.orderId,
        facts: { number: event.data.number, orderId: event.data.orderId, amount: formatMoney(event.data.total) },
      }),
    ),
    on<Tx, typeof orderPaymentFailed.data>(orderPaymentFailed, (event, tx) =>
      notifier.notify(tx, {
        userId: event.data.userId,
        kind: NotificationKind.PAYMENT_FAILED,
        // each failed attempt is its own payment
        sourceId: event.data.paymentId,
        facts: {
          number: event.data.number,
          orderId: event.data.orderId,
          amount: formatMoney(event.data.total),
          reason: event.data.failureCode,
        },
      }),
    ),
    on<Tx, typeof subscriptionRenewed.data>(subscriptionRenewed, (event, tx) =>
      notifier.notify(tx, {
        userId: event.data.userId,
        kind: NotificationKind.SUBSCRIPTION_RENEWED,
        sourceId: event.data.invoiceId,
        facts: {
          plan: event.data.planName,
          amount: formatMoney(event.data.amountPaid),
          periodEnd: event.data.currentPeriodEnd.slice(0, 10),
        },
      }),
    ),
    on<Tx, typeof subscriptionPastDue.data>(subscriptionPastDue, (event, tx) =>
      notifier.notify(tx, {
        userId: event.data.userId,
        kind: NotificationKind.SUBSCRIPTION_PAST_DUE,
        // each failed attempt is told
        sourceId: `${event.data.invoiceId}:${event.data.attempt}`,
        facts: {
          plan: event.data.planName,
          amount: formatMoney(event.data.amountDue),
          reason: event.data.failureCode,
          nextAttemptAt: event.data.nextAttemptAt.slice(0, 10),
        },
      }),
    ),
    on<Tx, typeof invoiceIssued.data>(invoiceIssued, (event, tx) =>
      notifier.notify(tx, {
        userId: event.data.userId,
        kind: NotificationKind.INVOICE_ISSUED,
        sourceId: event.data.invoiceId,
        facts: { number: event.data.number, amount: formatMoney(event.data.total), status: event.data.status },
      }),
    ),
    on<Tx, typeof refundSucceeded.data>(refundSucceeded, (event, tx) =>
      notifier.notify(tx, {
        userId: event.data.userId,
        kind: NotificationKind.REFUND_ISSUED,
        sourceId: event.data.refundId,
        facts: { orderId: event.data.orderId, amount: formatMoney(event.data.amount) },
      }),
    ),
  ];
}

/** The window holding `at`: aligned to multiples of its length, so every replica and every item agree on it. */
export function digestWindow(at: Date, lengthMs: number): { start: Date; end: Date } {
  const start = Math.floor(at.getTime() / lengthMs) * lengthMs;
  return { start: new Date(start), end: new Date(start + lengthMs) };
}
