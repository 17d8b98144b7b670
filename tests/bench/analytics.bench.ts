/**
 * Analytics' two figures (docs/analytics.md):
 *
 * - events/s through the analytics consumer: a mixed stream (registrations,
 *   enrollments with progress and completions, paid orders, refunds,
 *   submissions and grades) appended to the embedded event log as producers'
 *   relays would, timed until the consumer has applied all of it (each event
 *   its own transaction with its ProcessedEvent row);
 * - the p95 of platformReport over a year of daily data (a year of rollups and
 *   of (day, learner) activity rows seeded straight into the tables), per
 *   interval, through the subgraph's HTTP endpoint as an admin.
 *
 * On PGlite always, on PostgreSQL when TEST_POSTGRES_URL (or
 * BENCH_POSTGRES_URL) is set (skipped with the reason printed otherwise).
 *
 *   pnpm bench analytics
 */
import { randomUUID } from "node:crypto";
import { subgraph } from "@campus/analytics";
import { loadConfig } from "@campus/config";
import type { Database } from "@campus/database";
import { EmbeddedTransport } from "@campus/events";
import { MemoryStore } from "@campus/kv";
import { createLogger } from "@campus/logging";
import type { KitSettings } from "@campus/subgraph";
import { HARNESS_SECRET, postToSubgraph } from "@campus/testkit";
import { runBenchmark } from "./bench-process";
import { onEachDatabase, platformStream } from "./event-stream";

const print = (line: string) => process.stdout.write(`${line}\n`);

const EVENTS = Number(process.env.BENCH_EVENTS ?? 5000);
const REPORTS = Number(process.env.BENCH_REPORTS ?? 40);
const LEARNERS_PER_DAY = 200;
const COURSES = 50;
const DAY = 86_400_000;
const logger = createLogger("analytics-bench", "warn");
const ADMIN = { userId: randomUUID(), roles: ["ADMIN" as const] };

/** A year of rollups ending today, and LEARNERS_PER_DAY active learners a day out of a pool of 5,000. */
async function seedYear(db: Database) {
  const pool = Array.from({ length: 5000 }, () => randomUUID());
  const today = Math.floor(Date.now() / DAY) * DAY;
  const days = Array.from({ length: 366 }, (_, i) => new Date(today - i * DAY).toISOString().slice(0, 10));
  await db.execute(
    `INSERT INTO "analytics"."PlatformDay" ("day", "newUsers", "enrollments", "completions")
     SELECT d::date, 20, 60, 15 FROM unnest($1::text[]) AS d`,
    [days],
  );
  await db.execute(
    `INSERT INTO "analytics"."MoneyDay" ("day", "currency", "revenue", "refunds")
     SELECT d::date, c, 190000, 3800 FROM unnest($1::text[]) AS d, unnest(ARRAY['EUR', 'USD']) AS c`,
    [days],
  );
  await db.execute(
    `INSERT INTO "analytics"."CourseDay" ("courseId", "day", "enrollments", "completions")
     SELECT c::uuid, d::date, 1 + (random() * 3)::int, (random() * 2)::int FROM unnest($1::text[]) AS d, unnest($2::text[]) AS c`,
    [days, pool.slice(0, COURSES)],
  );
  await db.execute(
    `INSERT INTO "analytics"."CourseRevenueDay" ("courseId", "day", "currency", "revenue")
     SELECT c::uuid, d::date, 'EUR', 1900 FROM unnest($1::text[]) AS d, unnest($2::text[]) AS c`,
    [days, pool.slice(0, COURSES)],
  );
  for (const day of days) {
    const learners = Array.from({ length: LEARNERS_PER_DAY }, () => pool[Math.floor(Math.random() * pool.length)]!);
    await db.execute(
      `INSERT INTO "analytics"."LearnerActivity" ("day", "userId") SELECT $1::date, u::uuid FROM unnest($2::text[]) AS u
       ON CONFLICT DO NOTHING`,
      [day, learners],
    );
  }
  return { from: new Date(today - 365 * DAY), to: new Date(today + DAY) };
}

const QUERY = `query ($from: DateTimeISO!, $to: DateTimeISO!, $interval: ReportInterval!) {
  platformReport(from: $from, to: $to, interval: $interval) {
    totals { newUsers activeLearners enrollments completions revenue { amount currency } refunds { amount currency } }
    series { periodStart newUsers activeLearners enrollments completions revenue { amount currency } }
    topCourses(first: 5) { course { id } enrollments completionRate revenue { amount currency } }
  }
}`;

async function run(label: string, db: Database, eventDb: Database) {
  const config = loadConfig(subgraph.settingsSchema, {
    LOG_LEVEL: "warn",
    EVENTS_POLL_MS: "20",
    INTERNAL_AUTH_SECRET: HARNESS_SECRET,
  }) as KitSettings & Record<string, unknown>;
  const transport = await EmbeddedTransport.open({ db: eventDb, logger, pollMs: 20 });
  const running = await subgraph.start(
    config,
    { db, store: new MemoryStore(), transport, logger, secret: HARNESS_SECRET, neighbourUrls: () => ({}) },
    0,
  );
  try {
    const events = platformStream(EVENTS, COURSES);
    const started = performance.now();
    for (let i = 0; i < events.length; i += 500) await transport.publish(events.slice(i, i + 500));
    for (;;) {
      const { lag } = await running.events.pending();
      if (lag === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const seconds = (performance.now() - started) / 1000;
    print(
      `${label.padEnd(11)} consumer: ${EVENTS} events applied in ${seconds.toFixed(1)} s → ${Math.round(EVENTS / seconds)} events/s`,
    );

    await db.exec(
      `TRUNCATE "analytics"."PlatformDay", "analytics"."MoneyDay", "analytics"."CourseDay", "analytics"."CourseRevenueDay", "analytics"."LearnerActivity"`,
    );
    const range = await seedYear(db);
    const url = `${running.url}/graphql`;
    for (const interval of ["DAY", "WEEK", "MONTH"]) {
      const times: number[] = [];
      for (let i = 0; i < REPORTS; i += 1) {
        const began = performance.now();
        const result = await postToSubgraph(url, HARNESS_SECRET, ADMIN, QUERY, { ...range, interval });
        times.push(performance.now() - began);
        if (result.errors) throw new Error(JSON.stringify(result.errors));
        if (i === 0 && result.data.platformReport.series.length < 12) throw new Error("not a year of periods");
      }
      times.sort((a, b) => a - b);
      const p = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!.toFixed(1);
      print(
        `${label.padEnd(11)} platformReport, a year by ${interval.padEnd(5)}: p50 ${p(0.5)} ms, p95 ${p(0.95)} ms (${REPORTS} calls, ${LEARNERS_PER_DAY} active learners a day)`,
      );
    }
  } finally {
    await running.stop();
    await transport.close();
  }
}

async function main() {
  print(`analytics bench: ${EVENTS} events through the consumer; platformReport over 366 days of rollups`);
  await onEachDatabase("analytics", run, print);
}

runBenchmark("analytics", __filename, main);
