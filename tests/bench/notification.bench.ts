/**
 * Notification's consumer (docs/notifications.md): the same mixed stream as
 * the analytics bench (event-stream.ts: registrations, enrollments with
 * progress and completions, paid orders, refunds, submissions and grades)
 * appended to the embedded event log as producers' relays would, timed until
 * the consumer has applied all of it (each event its own transaction with its
 * ProcessedEvent row, its notices and queued emails), then until the sender
 * has delivered every queued email to the transport (the `.eml` sink here:
 * SMTP's own speed is the mail server's).
 *
 * On PGlite always, on PostgreSQL when TEST_POSTGRES_URL (or
 * BENCH_POSTGRES_URL) is set (skipped with the reason printed otherwise).
 * No target: the figures print; an event the consumer dead-letters fails.
 *
 *   pnpm bench notification
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "@campus/config";
import type { Database } from "@campus/database";
import { EmbeddedTransport } from "@campus/events";
import { MemoryStore } from "@campus/kv";
import { createLogger } from "@campus/logging";
import { subgraph } from "@campus/notification";
import type { KitSettings } from "@campus/subgraph";
import { HARNESS_SECRET } from "@campus/testkit";
import { runBenchmark } from "./bench-process";
import { onEachDatabase, platformStream } from "./event-stream";

const print = (line: string) => process.stdout.write(`${line}\n`);

const EVENTS = Number(process.env.BENCH_EVENTS ?? 5000);
const COURSES = 50;
// "no email address known" for instructors the stream never registers is expected: errors only
const logger = createLogger("notification-bench", "error");

async function waitFor(what: string, done: () => Promise<boolean>, timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what} not within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function run(label: string, db: Database, eventDb: Database) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "campus-notification-bench-"));
  const config = loadConfig(subgraph.settingsSchema, {
    LOG_LEVEL: "warn",
    EVENTS_POLL_MS: "20",
    NOTIFICATION_SEND_POLL_MS: "20",
    INTERNAL_AUTH_SECRET: HARNESS_SECRET,
  }) as KitSettings & Record<string, unknown>;
  const transport = await EmbeddedTransport.open({ db: eventDb, logger, pollMs: 20 });
  const running = await subgraph.start(
    config,
    { db, store: new MemoryStore(), transport, logger, secret: HARNESS_SECRET, dataDir, neighbourUrls: () => ({}) },
    0,
  );
  const count = async (sql: string) => Number((await db.query<{ n: string }>(sql))[0]!.n);
  try {
    const events = platformStream(EVENTS, COURSES);
    const started = performance.now();
    for (let i = 0; i < events.length; i += 500) await transport.publish(events.slice(i, i + 500));
    await waitFor("the consumer", async () => (await running.events.pending()).lag === 0);
    const applied = (performance.now() - started) / 1000;
    const deadLetters = await count(`SELECT count(*) AS n FROM "notification"."DeadLetterEvent"`);
    if (deadLetters > 0) throw new Error(`${deadLetters} events dead-lettered`);
    const notices = await count(`SELECT count(*) AS n FROM "notification"."Notification"`);
    const emails = await count(`SELECT count(*) AS n FROM "notification"."EmailDelivery"`);
    print(
      `${label.padEnd(11)} consumer: ${EVENTS} events applied in ${applied.toFixed(1)} s → ${Math.round(EVENTS / applied)} events/s (${notices} notices, ${emails} emails queued)`,
    );
    await waitFor(
      "the sender",
      async () =>
        (await count(`SELECT count(*) AS n FROM "notification"."EmailDelivery" WHERE status = 'QUEUED'`)) === 0,
    );
    const sent = (performance.now() - started) / 1000;
    const delivered = await count(`SELECT count(*) AS n FROM "notification"."EmailDelivery" WHERE status = 'SENT'`);
    print(
      `${label.padEnd(11)} sender:   ${delivered} of ${emails} emails SENT (.eml files) ${sent.toFixed(1)} s after the first event → ${Math.round(delivered / sent)} emails/s end to end`,
    );
    if (delivered !== emails) throw new Error(`${emails - delivered} emails not SENT`);
  } finally {
    await running.stop();
    await transport.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  print(`notification bench: ${EVENTS} events through the consumer, then every email they queue through the sender`);
  await onEachDatabase("notification", run, print);
}

runBenchmark("notification", __filename, main);
