/**
 * Events per second from commit to consumer effect: producers commit state
 * changes with their events to the outbox, the relay publishes them to the
 * embedded event log, and a consumer applies them effectively once (see
 * tests/events/stream.ts). Runs on PGlite, and on PostgreSQL when
 * TEST_POSTGRES_URL (or BENCH_POSTGRES_URL) is set. When KAFKA_BROKERS is set
 * (`pnpm servers start kafka`), each database runs a second time with the
 * events through Kafka instead of the event log, so both figures print side
 * by side.
 *
 *   node -r @swc-node/register tests/bench/events.bench.ts
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { applySharedTables, openDatabase, startEmbeddedPostgres, type Database } from "@campus/database";
import { EmbeddedTransport, KafkaTransport, OutboxRelay, type EventTransport } from "@campus/events";
import { MemoryStore } from "@campus/kv";
import { createLogger } from "@campus/logging";
import { deleteKafkaPrefix, kafkaBrokers, kafkaTestPrefix } from "@campus/testkit";
import { countOf, createStreamTables, produce, streamConsumer, streamOutbox } from "../events/stream";
import { runBenchmark } from "./bench-process";

const print = (line: string) => process.stdout.write(`${line}\n`);

const EVENTS = Number(process.env.BENCH_EVENTS ?? 5000);
const PRODUCERS = 4;
const logger = createLogger("events-bench", "warn");

async function run(label: string, db: Database, openTransport: () => Promise<EventTransport>) {
  const aggregates = await createStreamTables(db, 50);
  const transport = await openTransport();
  const relay = new OutboxRelay({
    outbox: streamOutbox(),
    db,
    transport,
    store: new MemoryStore(),
    logger,
    pollMs: 20,
  });
  const consumer = streamConsumer(db, logger);
  relay.start();
  await consumer.start(transport);

  const started = performance.now();
  await Promise.all(Array.from({ length: PRODUCERS }, () => produce(db, aggregates, EVENTS / PRODUCERS)));
  const committed = performance.now();
  while ((await countOf(db, `SELECT count(*) AS n FROM "enrollment"."StreamEffect"`)) < EVENTS) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const applied = performance.now();
  const violations = await countOf(db, `SELECT count(*) AS n FROM "enrollment"."StreamViolation"`);
  await consumer.stop();
  await relay.stop();
  await transport.close();

  const seconds = (applied - started) / 1000;
  print(
    `${label.padEnd(20)} ${EVENTS} events: committed in ${((committed - started) / 1000).toFixed(1)} s, ` +
      `all applied after ${seconds.toFixed(1)} s → ${Math.round(EVENTS / seconds)} events/s commit-to-effect` +
      ` (consumer behind by ${((applied - committed) / 1000).toFixed(1)} s at the last commit; order violations: ${violations})`,
  );
}

/** The same stream through Kafka: topics and group under a prefix of this run's own, deleted afterwards. */
async function runOnKafka(label: string, brokers: string[], db: Database) {
  const topicPrefix = kafkaTestPrefix("bench");
  try {
    await run(label, db, async () => new KafkaTransport({ brokers, clientId: "events-bench", logger, topicPrefix }));
  } finally {
    await deleteKafkaPrefix(brokers, topicPrefix);
  }
}

/** A PostgreSQL database of its own for one run, dropped afterwards. */
async function withPostgres(url: string, work: (db: Database, dbUrl: string) => Promise<void>) {
  const name = `campus_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  const db = openDatabase({ schema: "enrollment", url: dbUrl.toString(), poolSize: PRODUCERS + 4 });
  try {
    await applySharedTables(db);
    await work(db, dbUrl.toString());
  } finally {
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

async function onPGlite(work: (db: Database, eventDb: Database) => Promise<void>) {
  const pglite = await startEmbeddedPostgres();
  const db = openDatabase({ schema: "enrollment", pglite });
  await applySharedTables(db);
  try {
    await work(db, openDatabase({ schema: "eventbus", pglite }));
  } finally {
    await pglite.close();
  }
}

async function main() {
  print(`events bench: ${PRODUCERS} producers, one relay, one consumer, one event per transaction`);
  const brokers = kafkaBrokers();
  await onPGlite((db, eventDb) => run("PGlite", db, () => EmbeddedTransport.open({ db: eventDb, logger, pollMs: 20 })));
  if (brokers) await onPGlite((db) => runOnKafka("PGlite + Kafka", brokers, db));
  else print("Kafka                skipped: set KAFKA_BROKERS (pnpm servers start kafka)");

  const url = process.env.BENCH_POSTGRES_URL ?? process.env.TEST_POSTGRES_URL;
  if (!url) {
    print("PostgreSQL           skipped: set TEST_POSTGRES_URL or BENCH_POSTGRES_URL");
    return;
  }
  await withPostgres(url, async (db, dbUrl) => {
    const eventDb = openDatabase({ schema: "eventbus", url: dbUrl });
    try {
      await run("PostgreSQL", db, () => EmbeddedTransport.open({ db: eventDb, logger, pollMs: 20 }));
    } finally {
      await eventDb.close();
    }
  });
  if (brokers) await withPostgres(url, (db) => runOnKafka("PostgreSQL + Kafka", brokers, db));
}

runBenchmark("events", __filename, main);
