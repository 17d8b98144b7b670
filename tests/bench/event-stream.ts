import { randomUUID } from "node:crypto";
import { openDatabase, startEmbeddedPostgres, type Database } from "@campus/database";
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
import { scratchDatabase } from "@campus/testkit";

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

/**
 * Runs `run` with a consumer's database (its schema) and the event log's, on
 * PGlite, then on a scratch PostgreSQL database when TEST_POSTGRES_URL (or
 * BENCH_POSTGRES_URL) is set, saying why it is skipped otherwise.
 */
export async function onEachDatabase(
  schema: string,
  run: (label: string, db: Database, eventDb: Database) => Promise<void>,
  print: (line: string) => void,
): Promise<void> {
  const pglite = await startEmbeddedPostgres();
  try {
    await run("PGlite", openDatabase({ schema, pglite }), openDatabase({ schema: "eventbus", pglite }));
  } finally {
    await pglite.close();
  }
  const url = process.env.BENCH_POSTGRES_URL ?? process.env.TEST_POSTGRES_URL;
  if (!url) {
    print("PostgreSQL  skipped: set TEST_POSTGRES_URL or BENCH_POSTGRES_URL");
    return;
  }
  const scratch = await scratchDatabase(url, "campus_bench");
  const db = openDatabase({ schema, url: scratch.url });
  const eventDb = openDatabase({ schema: "eventbus", url: scratch.url });
  try {
    await run("PostgreSQL", db, eventDb);
  } finally {
    await db.close();
    await eventDb.close();
    await scratch.drop();
  }
}
