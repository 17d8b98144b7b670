import { cpus, loadavg } from "node:os";
import type { Backend, TestCampus } from "../support";
import {
  BACKEND_LABELS,
  cpuBetween,
  forkClient,
  machineCpu,
  ms,
  now,
  percentile,
  postgresCpu,
  serveClientJobs,
  sortedOf,
} from "./bench-client";
import { runBenchmark } from "./bench-process";

/**
 * Checkouts per second end to end, as a client buys (docs/commerce.md): a
 * signed-in buyer with a paid course in the cart sends the `Checkout`
 * mutation of schema/operations/commerce.graphql (as written there, a fresh
 * idempotency key, `pm_card_visa` on the mock provider) to the router over
 * HTTP, and the order counts once it is FULFILLED, i.e. once the whole saga
 * has run: checkout's transaction, the charge and PAID inside the request,
 * order.paid through commerce's outbox and relay to enrollment's consumer
 * (enrollment created), purchase_fulfilled back through enrollment's outbox
 * to commerce's consumer (FULFILLED).
 *
 * Setup, not timed: one instructor publishes BENCH_COURSES paid courses
 * (no seat limit) through the router; WARMUP + ORDERS buyers are registered
 * through identity's service (as tests/e2e/checkout-races.test.ts does) and
 * each puts one course in its cart (`AddToCart` through the router), so every
 * buyer checks out exactly once. The warm-up orders run through the whole
 * saga first; then the measured ones.
 *
 * The client runs in a child process (like load-generator.ts) so it does not
 * share Campus's event loop: BENCH_CONNECTIONS checkouts in flight, each
 * buyer's request as soon as one answers. Campus's commerce database is polled
 * for order status counts (cheaper than the Order query, and off the router).
 *
 * Printed per backend: fulfilled orders/s from the first checkout sent to the
 * last order FULFILLED; checkout p50/p95 (the mutation's HTTP round trip);
 * how fast checkouts were answered and how fast the saga alone fulfilled what
 * was left after the last answer; where each order's time went, per saga
 * stage, from the timestamps the saga writes (the order's createdAt and
 * paidAt, enrollment's enrolledAt, the item's fulfilledAt); SQL statements
 * per order through Prisma, by subgraph; CPU per order of the Campus process
 * (router, subgraphs, relays and consumers share its one event loop), of
 * PostgreSQL's connections to the bench's database when PostgreSQL runs on
 * this machine, and how busy the machine was. Runs on PGlite (embedded) always
 * and on PostgreSQL + Redis when TEST_POSTGRES_URL and TEST_REDIS_URL are set
 * (with KAFKA_BROKERS too, its events go through Kafka, as in the e2e tests);
 * the PostgreSQL run is skipped with the reason printed otherwise.
 * Target: ≥ 100 fulfilled orders/s on PostgreSQL; the figure prints either
 * way, a miss exits 1.
 *
 * Run: `pnpm bench checkout`, or node -r @swc-node/register
 * tests/bench/checkout.bench.ts. BENCH_ORDERS (500), BENCH_WARMUP_ORDERS
 * (50), BENCH_CONNECTIONS (20) and BENCH_COURSES (10) override the defaults;
 * BENCH_CPU_PROFILE=/tmp/checkout writes a V8 CPU profile of the Campus process
 * during each measured run (/tmp/checkout-<backend>.cpuprofile).
 */

const ORDERS = Number(process.env.BENCH_ORDERS ?? 500);
const WARMUP = Number(process.env.BENCH_WARMUP_ORDERS ?? 50);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const COURSES = Number(process.env.BENCH_COURSES ?? 10);
const TARGET_PER_SECOND = 100;
/** How long, after the last checkout answered, the saga may take to fulfil the rest. */
const FULFIL_TIMEOUT_MS = 120_000;
const POLL_MS = 20;
const PRICE = { amount: 2500, currency: "USD" };

const write = (line = "") => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- the client, in a child process ----------------------------------------------

interface ClientJob {
  url: string;
  query: string;
  connections: number;
  /** One checkout per buyer: its access token and a fresh idempotency key. */
  checkouts: { token: string; key: string }[];
}

interface ClientResult {
  /** When the first checkout was sent and the last one answered (epoch ms). */
  firstSentAt: number;
  lastAnsweredAt: number;
  /** HTTP round trip of each answered checkout, ms. */
  latencies: number[];
  /** Status of each order as checkout answered it. */
  statuses: Record<string, number>;
  failures: string[];
}

async function runClient(job: ClientJob): Promise<ClientResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const failures: string[] = [];
  let next = 0;
  const firstSentAt = now();
  await Promise.all(
    Array.from({ length: Math.min(job.connections, job.checkouts.length) }, async () => {
      while (next < job.checkouts.length) {
        const { token, key } = job.checkouts[next++]!;
        const body = JSON.stringify({
          operationName: "Checkout",
          query: job.query,
          variables: { input: { idempotencyKey: key, paymentMethod: "pm_card_visa" } },
        });
        const sent = now();
        try {
          const response = await fetch(job.url, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
            body,
          });
          const text = await response.text();
          latencies.push(now() - sent);
          const parsed = JSON.parse(text) as { data?: any; errors?: unknown[] };
          if (response.status !== 200 || parsed.errors || !parsed.data?.checkout?.order) {
            failures.push(`HTTP ${response.status}: ${text.slice(0, 300)}`);
            continue;
          }
          const status = String(parsed.data.checkout.order.status);
          statuses[status] = (statuses[status] ?? 0) + 1;
        } catch (error) {
          failures.push(error instanceof Error ? error.message : String(error));
        }
      }
    }),
  );
  return { firstSentAt, lastAnsweredAt: now(), latencies, statuses, failures };
}

// ---- the benchmark ------------------------------------------------------------------

interface Outcome {
  label: string;
  perSecond: number;
  measured: boolean;
}

type Support = typeof import("../support");

async function runOn(support: Support, backend: Backend): Promise<Outcome> {
  const { operation, registerInstructor, settleEvents, startTestCampus } = support;
  const label = BACKEND_LABELS[backend.name];
  const pad = (text: string) => text.padEnd(28);
  const indent = " ".repeat(28);
  const booted = Date.now();
  const campus: TestCampus = await startTestCampus(backend, {
    // high enough never to trip (every request comes from one IP); the checks still run on each request
    RATE_LIMIT_PER_MINUTE: "100000000",
    RATE_LIMIT_AUTH_PER_MINUTE: "100000",
    // the buyers' tokens must outlive setup and both runs on a slow, shared machine
    ACCESS_TOKEN_TTL_SECONDS: "3600",
  });
  const client = forkClient<ClientJob, ClientResult>(__filename, "--checkout-client");
  try {
    // ---- setup: courses, buyers, carts (not timed) ----
    const instructor = await registerInstructor(campus, "Bench Seller");
    const gqlOk = async (query: string, variables: Record<string, unknown>, token?: string) => {
      const result = await campus.gql(query, variables, token);
      if (result.errors) throw new Error(`setup request failed: ${JSON.stringify(result.errors).slice(0, 500)}`);
      return result.data;
    };
    const courseIds: string[] = [];
    for (let n = 0; n < COURSES; n += 1) {
      const created = await gqlOk(
        operation("mvp", "CreateCourse"),
        {
          input: {
            title: `Checkout bench ${n + 1}`,
            description: "Sold by the bench",
            level: "BEGINNER",
            price: PRICE,
          },
        },
        instructor.accessToken,
      );
      const id = created.createCourse.id as string;
      await gqlOk(operation("mvp", "AddModule"), { courseId: id, input: { title: "Only" } }, instructor.accessToken);
      await gqlOk(operation("mvp", "PublishCourse"), { id }, instructor.accessToken);
      courseIds.push(id);
    }
    const addToCart = operation("commerce", "AddToCart");
    const stamp = Date.now();
    const buyers: { token: string; key: string }[] = [];
    const total = WARMUP + ORDERS;
    for (let start = 0; start < total; start += 8) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(8, total - start) }, async (_, offset) => {
          const n = start + offset;
          const session = await campus.services.identity.accounts.register({
            email: `checkout.bench.${n}.${stamp}@example.com`,
            password: "a sturdy passphrase",
            name: `Bench Buyer ${n}`,
          });
          await gqlOk(addToCart, { courseId: courseIds[n % courseIds.length] }, session.accessToken);
          return { token: session.accessToken, key: `checkout-bench-${stamp}-${n}` };
        }),
      );
      buyers.push(...batch);
    }
    await settleEvents(campus, 120_000);
    write(
      `${pad(label)}booted and set up in ${((Date.now() - booted) / 1000).toFixed(1)} s ` +
        `(${COURSES} paid courses, ${total} buyers with one course each in the cart)`,
    );

    const commerceDb = campus.databases.commerce;
    const statusCounts = async () => {
      const rows = await commerceDb.query<{ status: string; count: number }>(
        `SELECT "status"::text AS status, count(*)::int AS count FROM "commerce"."Order" GROUP BY "status"`,
      );
      return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)])) as Record<string, number>;
    };
    const checkoutQuery = operation("commerce", "Checkout");
    /**
     * Sends the checkouts through the client and polls until `expected` orders in all are FULFILLED
     * (or a checkout failed, or the saga stalled); `fulfilledAt` is when the poll saw the last one.
     */
    const run = async (checkouts: { token: string; key: string }[], expected: number) => {
      const answered = client.run({ url: campus.routerUrl, query: checkoutQuery, connections: CONNECTIONS, checkouts });
      let result: ClientResult | undefined;
      let failed: unknown;
      answered.then(
        (value) => (result = value),
        (error: unknown) => (failed = error ?? new Error("client failed")),
      );
      let counts: Record<string, number> = {};
      for (;;) {
        counts = await statusCounts();
        if ((counts.FULFILLED ?? 0) >= expected) break;
        if (failed) throw failed;
        if (result && (result.failures.length > 0 || now() - result.lastAnsweredAt > FULFIL_TIMEOUT_MS)) break;
        await sleep(POLL_MS);
      }
      const fulfilledAt = now();
      return { result: result ?? (await answered), fulfilledAt, counts };
    };

    // ---- warm-up: the same path, fulfilled and settled ----
    const warm = await run(buyers.slice(0, WARMUP), WARMUP);
    if (warm.result.failures.length > 0 || (warm.counts.FULFILLED ?? 0) < WARMUP) {
      write(
        `${pad(label)}NOT MEASURED: warm-up failed (${JSON.stringify(warm.counts)}; ${warm.result.failures[0] ?? ""})`,
      );
      return { label, perSecond: 0, measured: false };
    }
    await settleEvents(campus, 60_000);

    // ---- measured ----
    const names = Object.keys(campus.databases);
    const sqlBefore = Object.fromEntries(names.map((name) => [name, campus.databases[name]!.queries.total]));
    const profile = process.env.BENCH_CPU_PROFILE ? await startProfile() : undefined;
    const cpuBefore = process.cpuUsage();
    const machineBefore = machineCpu();
    const postgresBefore = await postgresCpu(commerceDb);
    const loopBefore = performance.eventLoopUtilization();
    const { result, fulfilledAt, counts } = await run(buyers.slice(WARMUP), WARMUP + ORDERS);
    const cpu = process.cpuUsage(cpuBefore);
    const loop = performance.eventLoopUtilization(loopBefore);
    const machineAfter = machineCpu();
    const postgresUsed = cpuBetween(postgresBefore, await postgresCpu(commerceDb));
    if (profile) {
      const file = `${process.env.BENCH_CPU_PROFILE}-${backend.name}.cpuprofile`;
      await profile.stop(file);
      write(`${indent}CPU profile of the measured run: ${file}`);
    }
    await settleEvents(campus, 60_000).catch(() => undefined);
    const sql = names
      .map((name) => ({ name, count: campus.databases[name]!.queries.total - sqlBefore[name]! }))
      .filter((entry) => entry.count > 0);

    const fulfilled = (counts.FULFILLED ?? 0) - WARMUP;
    const seconds = (fulfilledAt - result.firstSentAt) / 1000;
    const answeredSeconds = (result.lastAnsweredAt - result.firstSentAt) / 1000;
    const latencies = sortedOf(result.latencies);
    const perSecond = fulfilled / seconds;
    const measured = result.failures.length === 0 && fulfilled >= ORDERS;
    write(
      `${pad(label)}${perSecond.toFixed(0)} fulfilled orders/s (${fulfilled} of ${ORDERS} FULFILLED ` +
        `${seconds.toFixed(1)} s after the first checkout was sent); ` +
        `checkout p50 ${ms(percentile(latencies, 50))} ms, p95 ${ms(percentile(latencies, 95))} ms`,
    );
    // ---- where the time went: the saga's own timestamps, per order ----
    const orders = await commerceDb.query<{
      userId: string;
      courseId: string;
      createdAt: Date | string;
      paidAt: Date | string | null;
      fulfilledAt: Date | string | null;
    }>(
      `SELECT o."userId", i."courseId", o."createdAt", o."paidAt", i."fulfilledAt"
         FROM "commerce"."Order" o JOIN "commerce"."OrderItem" i ON i."orderId" = o."id"
        ORDER BY o."createdAt" OFFSET $1`,
      [WARMUP],
    );
    const enrollments = await campus.databases.enrollment.query<{
      userId: string;
      courseId: string;
      enrolledAt: Date | string;
    }>(`SELECT "userId", "courseId", "enrolledAt" FROM "enrollment"."Enrollment"`);
    const enrolledAt = new Map(enrollments.map((row) => [`${row.userId}/${row.courseId}`, time(row.enrolledAt)]));
    const stages = { paid: [] as number[], enrolled: [] as number[], fulfilled: [] as number[], total: [] as number[] };
    for (const order of orders) {
      const created = time(order.createdAt);
      const paid = order.paidAt ? time(order.paidAt) : NaN;
      const enrolled = enrolledAt.get(`${order.userId}/${order.courseId}`) ?? NaN;
      const done = order.fulfilledAt ? time(order.fulfilledAt) : NaN;
      stages.paid.push(paid - created);
      stages.enrolled.push(enrolled - paid);
      stages.fulfilled.push(done - enrolled);
      stages.total.push(done - created);
    }
    // after the last answer only the saga runs: how fast it drains what is left is its own ceiling
    const left = orders.filter((order) => !order.fulfilledAt || time(order.fulfilledAt) > result.lastAnsweredAt).length;
    const drainSeconds = seconds - answeredSeconds;
    write(
      `${indent}checkouts answered in ${answeredSeconds.toFixed(1)} s (${(ORDERS / answeredSeconds).toFixed(0)}/s, ` +
        `${CONNECTIONS} in flight; orders as answered: ${describeCounts(result.statuses)}); ${left} orders were not FULFILLED yet at the last answer, ` +
        `the saga alone fulfilled them in ${drainSeconds.toFixed(1)} s` +
        (left > 0 && drainSeconds > 0 ? ` (${(left / drainSeconds).toFixed(0)}/s)` : ""),
    );
    const stage = (values: number[]) => {
      const sorted = sortedOf(values.filter((value) => Number.isFinite(value)));
      return `${ms(percentile(sorted, 50))} / ${ms(percentile(sorted, 95))} ms`;
    };
    write(
      `${indent}per order, p50 / p95: written → PAID ${stage(stages.paid)} · ` +
        `PAID → enrolled ${stage(stages.enrolled)} · enrolled → FULFILLED ${stage(stages.fulfilled)} · ` +
        `written → FULFILLED ${stage(stages.total)}`,
    );
    const sqlPerOrder = sql.map((entry) => `${entry.name} ${(entry.count / ORDERS).toFixed(1)}`).join(", ");
    write(`${indent}SQL statements per order through Prisma: ${sqlPerOrder}`);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const busy = (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total);
    write(
      `${indent}CPU: Campus process ${(cpuMs / ORDERS).toFixed(1)} ms per order ` +
        `(${(cpuMs / 1000 / seconds).toFixed(2)} cores, event loop ${(loop.utilization * 100).toFixed(0)} % busy); ` +
        (postgresUsed === undefined
          ? ""
          : `PostgreSQL (this database's connections) ${(postgresUsed / ORDERS).toFixed(1)} ms per order ` +
            `(${(postgresUsed / 1000 / seconds).toFixed(2)} cores); `) +
        `machine ${(busy * 100).toFixed(0)} % busy of ${cpus().length} cores (client, database and neighbours included)`,
    );
    if (!measured) {
      const why =
        result.failures.length > 0 ? `${result.failures.length} checkouts failed, first: ${result.failures[0]}` : "";
      write(
        `${indent}NOT MEASURED: ${why || `only ${fulfilled} of ${ORDERS} orders FULFILLED (${JSON.stringify(counts)})`}`,
      );
    }
    return { label, perSecond, measured };
  } finally {
    client.stop();
    await campus.stop();
  }
}

/** BENCH_CPU_PROFILE: a V8 CPU profile of the Campus process (this one) during the measured run. */
async function startProfile() {
  const { Session } = await import("node:inspector/promises");
  const { writeFile } = await import("node:fs/promises");
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  return {
    async stop(file: string) {
      const { profile } = await session.post("Profiler.stop");
      await writeFile(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

const describeCounts = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([status, count]) => `${status} ${count}`)
    .join(", ") || "none";

const time = (value: Date | string) => new Date(value).getTime();

async function main(): Promise<number> {
  // after runBenchmark has settled the tsconfig: the subgraphs' decorators need it
  const support = await import("../support");
  write(
    `checkout benchmark: ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(2)}; ` +
      `${ORDERS} orders after ${WARMUP} warm-up ones, one per buyer, over ${COURSES} paid courses, ` +
      `${CONNECTIONS} checkouts in flight (BENCH_CONNECTIONS)`,
  );
  const all = support.backends();
  const outcomes: Outcome[] = [];
  for (const backend of all) outcomes.push(await runOn(support, backend));
  if (all.length === 1) {
    write(`${"PostgreSQL + Redis".padEnd(28)}skipped: set TEST_POSTGRES_URL and TEST_REDIS_URL`);
  }

  let code = outcomes.every((outcome) => outcome.measured) ? 0 : 1;
  for (const outcome of outcomes.filter((entry) => entry.label.startsWith("PostgreSQL") && entry.measured)) {
    const figure = `${outcome.perSecond.toFixed(0)} fulfilled orders/s on ${outcome.label} (target ≥ ${TARGET_PER_SECOND}/s)`;
    if (outcome.perSecond >= TARGET_PER_SECOND) write(`PASS: ${figure}`);
    else {
      write(`FAIL: ${figure}`);
      code = 1;
    }
  }
  return code;
}

if (process.argv.includes("--checkout-client")) serveClientJobs(runClient);
else runBenchmark("checkout", __filename, main);
