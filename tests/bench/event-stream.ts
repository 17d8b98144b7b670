import { randomUUID } from "node:crypto";
import {
  enrollmentCompleted,
  enrollmentCreated,
  enrollmentProgressed,
  orderPaid,
  orderRefunded,
  submissionCreated,
  submissionGraded,
  userRegistered,
  type EventDefinition,
  type OutgoingEvent,
} from "@campus/events";

/**
 * The event stream the consumer benchmarks feed (analytics, notification):
 * what a busy platform publishes, as producers' relays would append it.
 */
const event = (definition: EventDefinition, subject: string, data: unknown): OutgoingEvent => ({
  topic: definition.topic,
  event: definition.create(`/campus/${definition.topic.split(".")[1]}`, subject, data),
});

/** A stream like a busy platform's: every learner registers, enrolls, progresses, completes, buys, submits. */
export function platformStream(count: number, courses: number): OutgoingEvent[] {
  const events: OutgoingEvent[] = [];
  const courseIds = Array.from({ length: courses }, () => randomUUID());
  while (events.length < count) {
    const userId = randomUUID();
    const courseId = courseIds[events.length % courses]!;
    const enrollmentId = randomUUID();
    const state = { enrollmentId, userId, courseId, status: "ACTIVE", progress: 0 };
    const orderId = randomUUID();
    const item = { orderItemId: randomUUID(), courseId, price: { amount: 1900, currency: "EUR" } };
    const order = { orderId, number: "C-1", userId, total: item.price, items: [item] };
    const submission = {
      submissionId: randomUUID(),
      assignmentId: randomUUID(),
      assignmentTitle: "Quiz",
      kind: "QUIZ",
      courseId,
      moduleId: null,
      instructorId: randomUUID(),
      learnerId: userId,
      attempt: 1,
      submittedAt: new Date().toISOString(),
      late: false,
      maxPoints: 10,
    };
    events.push(
      event(userRegistered, userId, { userId, email: `${userId}@example.com`, name: "Bench", roles: ["LEARNER"] }),
      event(orderPaid, orderId, { ...order, paymentId: randomUUID() }),
      event(enrollmentCreated, enrollmentId, { ...state, orderId }),
      event(enrollmentProgressed, enrollmentId, { ...state, progress: 0.5 }),
      event(enrollmentProgressed, enrollmentId, { ...state, status: "COMPLETED", progress: 1 }),
      event(enrollmentCompleted, enrollmentId, { ...state, status: "COMPLETED", progress: 1 }),
      event(submissionCreated, submission.submissionId, { ...submission, status: "GRADED" }),
      event(submissionGraded, submission.submissionId, {
        ...submission,
        points: 7,
        gradedAt: submission.submittedAt,
        gradedBy: null,
        regrade: false,
      }),
      event(orderRefunded, orderId, {
        refundId: randomUUID(),
        orderId,
        userId,
        amount: item.price,
        reason: null,
        items: [{ ...item, enrollmentId }],
        orderStatus: "REFUNDED",
      }),
    );
  }
  return events.slice(0, count);
}
