import { randomUUID } from "node:crypto";
import {
  applySharedTables,
  openDatabase,
  startEmbeddedPostgres,
  type Database,
  type PGlite,
  type SqlSession,
} from "@campus/database";
import {
  courseUpdated,
  EmbeddedTransport,
  EventConsumer,
  KafkaTransport,
  on,
  Outbox,
  requestReplay,
  UnitOfWork,
  type EventTransport,
} from "@campus/events";
import { createLogger } from "@campus/logging";
import { deleteKafkaPrefix, kafkaTestPrefix, scratchDatabase } from "@campus/testkit";

const print = (line: string) => process.stdout.write(`${line}\n`);

/**
 * One suite for every transport: the embedded event log on PGlite and on
 * PostgreSQL (when TEST_POSTGRES_URL is set), and Kafka (when KAFKA_BROKERS
 * is set: `pnpm servers start kafka` runs a broker). The consumer side (dedupe,
 * retries, dead letters, replay) runs on top of each.
 */
interface Setup {
  name: string;
  skipReason?: string;
  open(): Promise<{ transport: EventTransport; consumerDb: Database; close(): Promise<void> }>;
}

const logger = createLogger("contract", "silent");

async function consumerTables(db: Database) {
  await applySharedTables(db);
  await db.exec(`CREATE TABLE IF NOT EXISTS "enrollment"."ContractEffect" (
    id bigserial PRIMARY KEY, "group" text, subject text, revision int, "eventId" text, UNIQUE ("group", "eventId"))`);
}

const embeddedOnPGlite: Setup = {
  name: "embedded (PGlite)",
  async open() {
    const pglite: PGlite = await startEmbeddedPostgres();
    const consumerDb = openDatabase({ schema: "enrollment", pglite });
    await consumerTables(consumerDb);
    const transport = await EmbeddedTransport.open({
      db: openDatabase({ schema: "eventbus", pglite }),
      logger,
      pollMs: 50,
    });
    return { transport, consumerDb, close: async () => (await transport.close(), await pglite.close()) };
  },
};

function embeddedOnPostgres(): Setup {
  const url = process.env.TEST_POSTGRES_URL;
  if (!url && process.env.CI === "true") throw new Error("CI must set TEST_POSTGRES_URL");
  return {
    name: "embedded (PostgreSQL)",
    skipReason: url ? undefined : "TEST_POSTGRES_URL is not set; PostgreSQL transport contract skipped",
    async open() {
      const database = await scratchDatabase(url!, "campus_events");
      const consumerDb = openDatabase({ schema: "enrollment", url: database.url });
      await consumerTables(consumerDb);
      const eventDb = openDatabase({ schema: "eventbus", url: database.url });
      const transport = await EmbeddedTransport.open({ db: eventDb, ownsDatabase: true, logger, pollMs: 50 });
      return {
        transport,
        consumerDb,
        async close() {
          await transport.close();
          await consumerDb.close();
          await database.drop();
        },
      };
    },
  };
}

function kafka(): Setup {
  const brokers = process.env.KAFKA_BROKERS;
  return {
    name: "kafka",
    skipReason: brokers
      ? undefined
      : "KAFKA_BROKERS is not set; Kafka transport contract skipped (`pnpm servers start kafka` starts a broker)",
    async open() {
      const pglite = await startEmbeddedPostgres();
      const consumerDb = openDatabase({ schema: "enrollment", pglite });
      await consumerTables(consumerDb);
      // topics and groups of this run only: a broker keeps earlier runs' events (and their malformed ones)
      const topicPrefix = kafkaTestPrefix("contract");
      const list = brokers!.split(",");
      const transport = new KafkaTransport({ brokers: list, clientId: "contract", logger, topicPrefix });
      return {
        transport,
        consumerDb,
        async close() {
          await transport.close();
          await pglite.close();
          await deleteKafkaPrefix(list, topicPrefix);
        },
      };
    },
  };
}

const setups = [embeddedOnPGlite, embeddedOnPostgres(), kafka()];
for (const setup of setups) if (setup.skipReason) print(`[event-transport contract] ${setup.skipReason}`);

describe.each(setups.filter((s) => !s.skipReason))("event transport contract: $name", (setup) => {
  let env: Awaited<ReturnType<Setup["open"]>>;
  beforeAll(async () => {
    env = await setup.open();
  });
  afterAll(async () => {
    await env?.close();
  });

  /** A run id in every event's title keeps runs apart wherever a topic outlives them. */
  const run = randomUUID();
  const snapshot = (courseId: string, revision: number) =>
    courseUpdated.create("/contract", courseId, {
      courseId,
      revision,
      instructorId: randomUUID(),
      title: run,
      slug: `s-${revision}`,
      status: "PUBLISHED",
      price: { amount: 0, currency: "EUR" },
      capacity: null,
      moduleIds: [],
    });
  const publish = (events: ReturnType<typeof snapshot>[]) =>
    env.transport.publish(events.map((event) => ({ topic: courseUpdated.topic, event })));

  /** Each test's consumer handles only its own subjects: a new group also receives earlier tests' events. */
  function consumer(
    group: string,
    subjects: string[],
    fail: (revision: number, attempt: number) => boolean = () => false,
  ) {
    const attempts = new Map<string, number>();
    return new EventConsumer<SqlSession>({
      group,
      db: env.consumerDb,
      work: UnitOfWork.forDatabase(env.consumerDb, new Outbox(env.consumerDb.schema, "/campus/test")),
      logger,
      maxAttempts: 3,
      retryBaseMs: 5,
      replayPollMs: 50,
      handlers: [
        on(courseUpdated, async (event, tx: SqlSession) => {
          if (event.data.title !== run || !subjects.includes(event.subject)) return;
          const attempt = (attempts.get(event.id) ?? 0) + 1;
          attempts.set(event.id, attempt);
          if (fail(event.data.revision, attempt)) throw new Error(`refused revision ${event.data.revision}`);
          await tx.execute(
            `INSERT INTO "enrollment"."ContractEffect" ("group", subject, revision, "eventId") VALUES ($1, $2, $3, $4)`,
            [group, event.subject, event.data.revision, event.id],
          );
        }),
      ],
    });
  }

  const effects = (group: string) =>
    env.consumerDb.query<{ subject: string; revision: number }>(
      `SELECT subject, revision FROM "enrollment"."ContractEffect" WHERE "group" = $1 ORDER BY id`,
      [group],
    );

  async function until(check: () => Promise<boolean>, what: string, ms = 20_000) {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  it("delivers every event to every group once, in order per subject", async () => {
    const [a, b] = [`a-${run}`, `b-${run}`];
    const subjects = [randomUUID(), randomUUID(), randomUUID()];
    const events = Array.from({ length: 60 }, (_, i) => snapshot(subjects[i % 3]!, Math.floor(i / 3) + 1));
    const first = consumer(a, subjects);
    const second = consumer(b, subjects);
    await first.start(env.transport);
    await second.start(env.transport);
    await publish(events.slice(0, 30));
    await publish(events.slice(30));
    await until(async () => (await effects(a)).length === 60 && (await effects(b)).length === 60, "both groups");
    for (const group of [a, b]) {
      const rows = await effects(group);
      for (const subject of subjects) {
        expect(rows.filter((r) => r.subject === subject).map((r) => r.revision)).toEqual(
          Array.from({ length: 20 }, (_, i) => i + 1),
        );
      }
    }
    await first.stop();
    await second.stop();
  });

  it("gives the topics' history up to the last event published, in order per subject, without moving any group", async () => {
    const group = `history-${run}`;
    const subjects: string[] = [randomUUID(), randomUUID()];
    const watcher = consumer(group, subjects);
    await watcher.start(env.transport);
    await publish(Array.from({ length: 30 }, (_, i) => snapshot(subjects[i % 2]!, Math.floor(i / 2) + 1)));
    await until(async () => (await effects(group)).length === 30, "the watcher");

    const read = async () => {
      const revisions = new Map<string, number[]>();
      for await (const batch of env.transport.history([courseUpdated.topic])) {
        for (const { topic, event } of batch) {
          const { subject, data } = event as { subject: string; data: { title: string; revision: number } };
          expect(topic).toBe(courseUpdated.topic);
          if (data.title !== run || !subjects.includes(subject)) continue;
          revisions.set(subject, [...(revisions.get(subject) ?? []), data.revision]);
        }
      }
      return subjects.map((subject) => revisions.get(subject));
    };
    const fifteen = Array.from({ length: 15 }, (_, i) => i + 1);
    expect(await read()).toEqual([fifteen, fifteen]);
    // read twice: nothing was committed for anyone, and the live group goes on where it was
    expect(await read()).toEqual([fifteen, fifteen]);
    await publish([snapshot(subjects[0]!, 16)]);
    await until(async () => (await effects(group)).length === 31, "the watcher after the histories");
    expect((await effects(group)).length).toBe(31);
    await watcher.stop();
  });

  it("resumes after a restart without losing events, and applies a redelivered event once", async () => {
    const group = `resume-${run}`;
    const subject = randomUUID();
    const first = consumer(group, [subject]);
    await first.start(env.transport);
    await publish([1, 2, 3].map((r) => snapshot(subject, r)));
    await until(async () => (await effects(group)).length === 3, "first three");
    await first.stop();

    const later = [4, 5, 6].map((r) => snapshot(subject, r));
    await publish(later);
    await publish([later[0]!]); // the same event again, as a relay retry would
    const second = consumer(group, [subject]);
    await second.start(env.transport);
    await until(async () => (await effects(group)).length === 6, "all six");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await effects(group)).map((r) => r.revision)).toEqual([1, 2, 3, 4, 5, 6]);
    await second.stop();
  });

  it("retries a failing handler with backoff and applies the event once it succeeds", async () => {
    const group = `retry-${run}`;
    const subject = randomUUID();
    const c = consumer(group, [subject], (_revision, attempt) => attempt < 3);
    await c.start(env.transport);
    await publish([snapshot(subject, 1)]);
    await until(async () => (await effects(group)).length === 1, "the retried event");
    expect((await c.stats()).retries).toBe(2);
    expect((await c.stats()).deadLetters).toBe(0);
    await c.stop();
  });

  it("dead-letters a poison event without holding up the rest, and replays it on request", async () => {
    const group = `poison-${run}`;
    let poisoned = true;
    const subject = randomUUID();
    const c = consumer(group, [subject], (revision) => poisoned && revision === 2);
    await c.start(env.transport);
    await publish([1, 2, 3].map((r) => snapshot(subject, r)));
    await until(async () => (await effects(group)).length === 2, "the events around the poison");
    expect((await effects(group)).map((r) => r.revision)).toEqual([1, 3]);
    const [letter] = await env.consumerDb.query<{ error: string; attempts: number; type: string }>(
      `SELECT error, attempts, type FROM "enrollment"."DeadLetterEvent" WHERE "consumerGroup" = $1`,
      [group],
    );
    expect(letter).toEqual({ error: "Error: refused revision 2", attempts: 3, type: courseUpdated.type });
    expect((await c.stats()).deadLetters).toBe(1);

    poisoned = false; // the bug is fixed; an operator replays
    expect(await requestReplay(env.consumerDb, { group })).toBe(1);
    await until(async () => (await effects(group)).length === 3, "the replayed event");
    expect((await c.stats()).deadLetters).toBe(0);
    await c.stop();
  });

  it("dead-letters an event that is not a valid Campus event at once", async () => {
    const group = `malformed-${run}`;
    const c = consumer(group, []);
    await c.start(env.transport);
    const bad = { ...snapshot(randomUUID(), 1), data: { courseId: "not-a-uuid", title: run } };
    await env.transport.publish([{ topic: courseUpdated.topic, event: bad as never }]);
    await until(async () => (await c.stats()).deadLetters === 1, "the dead letter");
    const [letter] = await env.consumerDb.query<{ attempts: number; error: string }>(
      `SELECT attempts, error FROM "enrollment"."DeadLetterEvent" WHERE "consumerGroup" = $1`,
      [group],
    );
    expect(letter?.attempts).toBe(1);
    expect(letter?.error).toMatch(/^MalformedEventError/);
    await c.stop();
  });

  // last: every later group would receive this event too
  it("dead-letters another version of an event type it handles at once, with the reason, and goes on", async () => {
    const group = `version-${run}`;
    const subject = randomUUID();
    const c = consumer(group, [subject]);
    await c.start(env.transport);
    const newer = { ...snapshot(subject, 1), type: courseUpdated.type.replace(/v1$/, "v2") };
    await env.transport.publish([{ topic: courseUpdated.topic, event: newer }]);
    await publish([snapshot(subject, 2)]);
    await until(async () => (await effects(group)).length === 1, "the next event");
    const letters = await env.consumerDb.query<{ eventId: string; attempts: number; error: string }>(
      `SELECT "eventId", attempts, error FROM "enrollment"."DeadLetterEvent" WHERE "consumerGroup" = $1 AND "eventId" = $2`,
      [group, newer.id],
    );
    expect(letters).toEqual([
      {
        eventId: newer.id,
        attempts: 1,
        error: expect.stringContaining("unknown version campus.course.updated.v2"),
      },
    ]);
    expect(await effects(group)).toEqual([{ subject, revision: 2 }]);
    await c.stop();
  });
});
