/**
 * Events per second from commit to consumer effect: producers commit state
 * changes with their events to the outbox, the relay publishes them to the
 * embedded event log, and a consumer applies them effectively once (see
 * tests/events/stream.ts). Runs on PGlite, and on PostgreSQL when
 * TEST_POSTGRES_URL (or BENCH_POSTGRES_URL) is set.
 *
 *   node -r @swc-node/register tests/bench/events.bench.ts
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { applyMigrations, migrationsDir, openDatabase, startEmbeddedPostgres, type Database } from "@campus/database";
import { EmbeddedTransport, OutboxRelay } from "@campus/events";
import { MemoryStore } from "@campus/kv";
import { createLogger } from "@campus/logging";
import { countOf, createStreamTables, produce, streamConsumer, streamOutbox } from "../events/stream";
import { runBenchmark } from "./bench-process";

const print = (line: string) => process.stdout.write(`${line}\n`);

const EVENTS = Number(process.env.BENCH_EVENTS ?? 5000);
const PRODUCERS = 4;
const logger = createLogger("events-bench", "warn");

async function run(label: string, db: Database, eventDb: Database) {
  const aggregates = await createStreamTables(db, 50);
  const transport = await EmbeddedTransport.open({ db: eventDb, logger, pollMs: 20 });
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
    `${label.padEnd(12)} ${EVENTS} events: committed in ${((committed - started) / 1000).toFixed(1)} s, ` +
      `all applied after ${seconds.toFixed(1)} s → ${Math.round(EVENTS / seconds)} events/s commit-to-effect` +
      ` (consumer behind by ${((applied - committed) / 1000).toFixed(1)} s at the last commit; order violations: ${violations})`,
  );
}

async function main() {
  print(`events bench: ${PRODUCERS} producers, one relay, one consumer, one event per transaction`);
  const pglite = await startEmbeddedPostgres();
  const local = openDatabase({ schema: "enrollment", pglite });
  await applyMigrations(local, migrationsDir("enrollment"));
  await run("PGlite", local, openDatabase({ schema: "eventbus", pglite }));
  await pglite.close();

  const url = process.env.BENCH_POSTGRES_URL ?? process.env.TEST_POSTGRES_URL;
  if (!url) {
    print("PostgreSQL   skipped: set TEST_POSTGRES_URL or BENCH_POSTGRES_URL");
    return;
  }
  const name = `campus_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  const db = openDatabase({ schema: "enrollment", url: dbUrl.toString(), poolSize: PRODUCERS + 4 });
  const eventDb = openDatabase({ schema: "eventbus", url: dbUrl.toString() });
  try {
    await applyMigrations(db, migrationsDir("enrollment"));
    await run("PostgreSQL", db, eventDb);
  } finally {
    await db.close();
    await eventDb.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

runBenchmark("events", __filename, main);
