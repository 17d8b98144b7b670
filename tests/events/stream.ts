import { randomUUID } from "node:crypto";
import type { Database, SqlSession } from "@campus/database";
import { courseUpdated, EventConsumer, on, Outbox, UnitOfWork } from "@campus/events";
import type { Logger } from "@campus/logging";

/**
 * A stream of events for the fault test and the events benchmark: producers
 * bump an aggregate's version and emit an event in one transaction (the way
 * a subgraph writes); the consumer records each event it applies and whether
 * it arrived in its aggregate's order. Tables live in the enrollment schema,
 * beside the real outbox, processed-event and dead-letter tables.
 */
export const STREAM_GROUP = "event-stream";
export const streamOutbox = () => new Outbox("enrollment", "/stream");

export async function createStreamTables(db: Database, aggregates: number): Promise<string[]> {
  await db.exec(`
    CREATE TABLE "enrollment"."StreamAggregate" (id uuid PRIMARY KEY, version int NOT NULL DEFAULT 0);
    CREATE TABLE "enrollment"."StreamEffect" ("eventId" text PRIMARY KEY, subject text, version int);
    CREATE TABLE "enrollment"."StreamSeen" (subject text PRIMARY KEY, version int);
    CREATE TABLE "enrollment"."StreamViolation" ("eventId" text);`);
  const ids = Array.from({ length: aggregates }, () => randomUUID());
  await db.query(`INSERT INTO "enrollment"."StreamAggregate" (id) SELECT unnest($1::uuid[])`, [ids]);
  return ids;
}

export async function produce(db: Database, aggregates: string[], count: number): Promise<void> {
  const outbox = streamOutbox();
  for (let i = 0; i < count; i += 1) {
    const subject = aggregates[Math.floor(Math.random() * aggregates.length)]!;
    await db.transaction(async (tx) => {
      const [row] = await tx.query<{ version: number }>(
        `UPDATE "enrollment"."StreamAggregate" SET version = version + 1 WHERE id = $1 RETURNING version`,
        [subject],
      );
      const event = courseUpdated.create("/stream", subject, {
        courseId: subject,
        revision: row!.version,
        instructorId: subject,
        title: "stream",
        slug: "stream",
        status: "PUBLISHED",
        price: { amount: 0, currency: "EUR" },
        capacity: null,
        moduleIds: [],
      });
      await outbox.append(tx, [{ topic: courseUpdated.topic, event }]);
    });
  }
}

export function streamConsumer(db: Database, logger: Logger): EventConsumer<SqlSession> {
  return new EventConsumer<SqlSession>({
    group: STREAM_GROUP,
    db,
    work: UnitOfWork.forDatabase(db, new Outbox(db.schema, "/campus/test")),
    logger,
    handlers: [
      on(courseUpdated, async (event, tx: SqlSession) => {
        await tx.execute(`INSERT INTO "enrollment"."StreamEffect" ("eventId", subject, version) VALUES ($1, $2, $3)`, [
          event.id,
          event.subject,
          event.data.revision,
        ]);
        // applied in order when the aggregate's last applied version is the one before
        const inOrder = await tx.execute(
          `INSERT INTO "enrollment"."StreamSeen" (subject, version) VALUES ($1, $2)
           ON CONFLICT (subject) DO UPDATE SET version = EXCLUDED.version
           WHERE "StreamSeen".version = EXCLUDED.version - 1`,
          [event.subject, event.data.revision],
        );
        if (inOrder === 0) {
          await tx.execute(`INSERT INTO "enrollment"."StreamViolation" ("eventId") VALUES ($1)`, [event.id]);
        }
      }),
    ],
  });
}

export async function countOf(db: Database, sql: string): Promise<number> {
  return Number((await db.query<{ n: string }>(sql))[0]!.n);
}
