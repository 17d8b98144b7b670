import { fork, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { applySharedTables, openDatabase, type Database } from "@campus/database";
import { deleteKafkaPrefix, kafkaBrokers, kafkaTestPrefix } from "@campus/testkit";
import { countOf, createStreamTables, produce, STREAM_GROUP } from "./stream";

const print = (line: string) => process.stdout.write(`${line}\n`);

/**
 * Kills the relay and the consumer (one real process, SIGKILL) twice in the
 * middle of a stream of 10,000 events on PostgreSQL; after the last restart
 * every event must have been applied exactly once, each aggregate's events in
 * order. Needs PostgreSQL: PGlite lives inside one process and cannot be
 * shared with a process that gets killed.
 *
 * Runs with events through the embedded event log (in PostgreSQL), and again
 * through Kafka when KAFKA_BROKERS is set (`pnpm servers start kafka`), under
 * a topic and consumer group prefix of this run's own.
 */
const url = process.env.TEST_POSTGRES_URL;
if (!url && process.env.CI === "true") throw new Error("CI must set TEST_POSTGRES_URL");
if (!url) print("[events fault test] TEST_POSTGRES_URL is not set; fault test skipped (the CI run sets it)");
const brokers = kafkaBrokers();
if (url && !brokers) {
  print(
    "[events fault test] KAFKA_BROKERS is not set; Kafka fault test skipped (`pnpm servers start kafka` starts a broker)",
  );
}

const EVENTS = 10_000;
const AGGREGATES = 50;
const PRODUCERS = 8;

(url ? describe : describe.skip)("event backbone under SIGKILL (PostgreSQL)", () => faultSuite("embedded"));
(url && brokers ? describe : describe.skip)("event backbone under SIGKILL (Kafka)", () => faultSuite("kafka"));

/** The worker's transport: the event log in the test's PostgreSQL database, or Kafka. */
function faultSuite(transport: "embedded" | "kafka") {
  const topicPrefix = transport === "kafka" ? kafkaTestPrefix("fault") : undefined;
  let name: string;
  let dbUrl: string;
  let db: Database;
  const workers: ChildProcess[] = [];
  let aggregates: string[];

  beforeAll(async () => {
    name = `campus_fault_${randomBytes(5).toString("hex")}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const parsed = new URL(url!);
    parsed.pathname = `/${name}`;
    dbUrl = parsed.toString();
    db = openDatabase({ schema: "enrollment", url: dbUrl, poolSize: PRODUCERS + 2 });
    await applySharedTables(db);
    aggregates = await createStreamTables(db, AGGREGATES);
  });

  afterAll(async () => {
    for (const worker of workers) worker.kill("SIGKILL");
    await db?.close();
    const cleanup = new pg.Client({ connectionString: url });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await cleanup.end();
    if (topicPrefix) await deleteKafkaPrefix(brokers!, topicPrefix);
  });

  function startWorker(): Promise<ChildProcess> {
    const worker = fork(path.join(__dirname, "fault-worker.ts"), [], {
      execArgv: ["-r", "@swc-node/register"],
      env: {
        ...process.env,
        FAULT_DATABASE_URL: dbUrl,
        FAULT_TRANSPORT: transport,
        ...(topicPrefix ? { FAULT_TOPIC_PREFIX: topicPrefix } : {}),
        NODE_OPTIONS: "",
      },
      stdio: "inherit",
    });
    workers.push(worker);
    return new Promise((resolve, reject) => {
      worker.once("message", () => resolve(worker));
      worker.once("exit", (code) => reject(new Error(`worker exited early (${code})`)));
    });
  }

  const count = (sql: string) => countOf(db, sql);
  const applied = () => count(`SELECT count(*) AS n FROM "enrollment"."StreamEffect"`);

  async function until(check: () => Promise<boolean>, what: string, ms = 240_000) {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it("applies each of 10,000 events exactly once and in order per aggregate across two SIGKILLs", async () => {
    let worker = await startWorker();
    const producing = Promise.all(Array.from({ length: PRODUCERS }, () => produce(db, aggregates, EVENTS / PRODUCERS)));

    for (const killAt of [2_000, 5_000]) {
      await until(async () => (await applied()) >= killAt, `${killAt} applied events`);
      worker.removeAllListeners("exit");
      worker.kill("SIGKILL");
      await new Promise((resolve) => worker.once("exit", resolve));
      worker = await startWorker();
    }
    await producing;
    await until(async () => (await applied()) === EVENTS, "every event applied");
    await new Promise((resolve) => setTimeout(resolve, 500)); // a duplicate would land now

    expect(await applied()).toBe(EVENTS);
    expect(await count(`SELECT count(*) AS n FROM "enrollment"."StreamViolation"`)).toBe(0);
    expect(
      await count(`SELECT count(*) AS n FROM "enrollment"."ProcessedEvent" WHERE "consumerGroup" = '${STREAM_GROUP}'`),
    ).toBe(EVENTS);
    expect(await count(`SELECT count(*) AS n FROM "enrollment"."OutboxEvent" WHERE "publishedAt" IS NULL`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM "enrollment"."DeadLetterEvent"`)).toBe(0);
    // every aggregate's last applied version is the version it reached
    expect(
      await count(`SELECT count(*) AS n FROM "enrollment"."StreamAggregate" a
                     JOIN "enrollment"."StreamSeen" s ON s.subject = a.id::text WHERE s.version = a.version`),
    ).toBe(AGGREGATES);
  }, 420_000);
}
