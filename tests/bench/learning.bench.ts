import { cpus, loadavg } from "node:os";
import type { Backend, TestCampus } from "../support";
import { BACKEND_LABELS, forkClient, machineCpu, ms, now, percentile, serveClientJobs, sortedOf } from "./bench-client";
import { runBenchmark } from "./bench-process";

/**
 * What learners do most, end to end through the router as clients do
 * (docs/learning.md), with the operations of schema/operations/learning.graphql
 * as written there:
 *
 *   downloads  `ContentItem` of a PDF by an enrolled learner, `download { url
 *              expiresAt }` included: content checks the learner against its
 *              CourseLearner projection and signs a fresh download URL on every
 *              read. Counted when the answer carries a URL; a few of the URLs
 *              are then fetched (not timed) and must give back the bytes.
 *   quiz       `SubmitAssignment` of a published QUIZ by an enrolled learner,
 *              graded at once: counted when the answer is GRADED with the
 *              points the answers are worth and the attempt number expected.
 *
 * Setup, not timed: an instructor publishes a free course with one module
 * (CreateCourse, AddModule, PublishCourse), adds a PDF (AddContent, a PUT of
 * the bytes to the signed upload URL with the headers returned,
 * CompleteUpload) and a published QUIZ of three questions allowing the most
 * attempts the API allows (100, subgraphs/assessment/src/service/
 * assignment.input.ts); BENCH_LEARNERS learners are registered through
 * identity's service (as checkout.bench.ts does) and enrol (Enroll); the run
 * waits until content and assessment have applied every enrollment's event
 * (their CourseLearner tables) and a learner's ContentItem carries a download.
 *
 * The client runs in a child process (as in checkout.bench.ts) so it does not
 * share Campus's event loop: BENCH_CONNECTIONS requests in flight for
 * BENCH_SECONDS, each connection taking the next learner as soon as one
 * answers. For the quiz every learner belongs to one connection, so a learner
 * never has two attempts in flight; a learner whose attempts are used up is
 * skipped (the run ends early if all are). Each measure is preceded by a
 * short warm-up on the same path.
 *
 * Printed per backend: requests/s from the first sent to the last answered,
 * p50/p95 of the HTTP round trip, SQL statements per request through Prisma
 * by subgraph, CPU per request of the Campus process (router and subgraphs
 * share its event loop) and how busy the machine was. Runs on PGlite
 * (embedded) always and on PostgreSQL + Redis when TEST_POSTGRES_URL and
 * TEST_REDIS_URL are set (with KAFKA_BROKERS too, its events go through
 * Kafka); the PostgreSQL run is skipped with the reason printed otherwise.
 * No target: the figures print and the exit is 0, unless a response was
 * wrong (an error, no URL, not GRADED, other points), which prints the first
 * one and exits 1.
 *
 * Run: `pnpm bench learning`, or node -r @swc-node/register
 * tests/bench/learning.bench.ts. BENCH_CONNECTIONS (20), BENCH_SECONDS (15),
 * BENCH_LEARNERS (200) and BENCH_WARMUP_SECONDS (2) override the defaults.
 */

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const LEARNERS = Number(process.env.BENCH_LEARNERS ?? 200);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
/** The most attempts CreateAssignment accepts (assignment.input.ts, MAX_ATTEMPTS). */
const MAX_ATTEMPTS = 100;
/** Download URLs fetched after the run (not timed) to check they give back the bytes. */
const DOWNLOAD_SAMPLES = 5;
const PROJECTION_TIMEOUT_MS = 120_000;

const PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
    "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n" +
    `% learning bench ${"x".repeat(2000)}\n%%EOF\n`,
);
const QUESTIONS = [
  { prompt: "Which are even?", choices: ["1", "2", "3", "4"], correct: [1, 3], points: 4 },
  { prompt: "Is 7 prime?", choices: ["yes", "no"], correct: [0], points: 6 },
  { prompt: "2 + 2?", choices: ["3", "4", "5"], correct: [1], points: 5 },
];
/** Attempts alternate between these answers, so grading has both right and wrong answers to score. */
const ANSWER_SETS: { answers: { question: number; choices: number[] }[]; points: number }[] = [
  {
    answers: [
      { question: 0, choices: [3, 1] },
      { question: 1, choices: [0] },
      { question: 2, choices: [1] },
    ],
    points: 15,
  },
  {
    answers: [
      { question: 0, choices: [1] },
      { question: 1, choices: [0] },
      { question: 2, choices: [2] },
    ],
    points: 6,
  },
];

const write = (line = "") => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- the client, in a child process ----------------------------------------------

interface ClientJob {
  kind: "downloads" | "quiz";
  url: string;
  query: string;
  connections: number;
  seconds: number;
  /** The learners' access tokens. */
  tokens: string[];
  /** downloads: the PDF item; quiz: the assignment. */
  id: string;
  /** quiz: attempts each learner has used so far (updated in the result). */
  attempts: number[];
}

interface ClientResult {
  /** When the first request was sent and the last one answered (epoch ms). */
  firstSentAt: number;
  lastAnsweredAt: number;
  /** HTTP round trip of each answered request, ms. */
  latencies: number[];
  failures: string[];
  /** downloads: a few of the URLs issued. */
  samples: string[];
  attempts: number[];
  /** quiz: the run ended before its time because every learner's attempts were used. */
  exhausted: boolean;
}

async function runClient(job: ClientJob): Promise<ClientResult> {
  const latencies: number[] = [];
  const failures: string[] = [];
  const samples: string[] = [];
  const attempts = [...job.attempts];
  const connections = Math.min(job.connections, job.tokens.length);
  let exhausted = false;
  let next = 0;
  const firstSentAt = now();
  const end = firstSentAt + job.seconds * 1000;

  /** One request; answers the failure, if any. */
  const send = async (learner: number): Promise<string | undefined> => {
    const variables =
      job.kind === "downloads"
        ? { id: job.id }
        : { assignmentId: job.id, input: { answers: ANSWER_SETS[attempts[learner]! % ANSWER_SETS.length]!.answers } };
    const body = JSON.stringify({
      operationName: job.kind === "downloads" ? "ContentItem" : "SubmitAssignment",
      query: job.query,
      variables,
    });
    const sent = now();
    try {
      const response = await fetch(job.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${job.tokens[learner]}` },
        body,
      });
      const text = await response.text();
      latencies.push(now() - sent);
      const parsed = JSON.parse(text) as { data?: any; errors?: unknown[] };
      const wrong = `HTTP ${response.status}: ${text.slice(0, 400)}`;
      if (response.status !== 200 || parsed.errors) return wrong;
      if (job.kind === "downloads") {
        const url = parsed.data?.content?.download?.url;
        if (typeof url !== "string") return wrong;
        if (samples.length < DOWNLOAD_SAMPLES && latencies.length % 50 === 1) samples.push(url);
        return undefined;
      }
      const expected = ANSWER_SETS[attempts[learner]! % ANSWER_SETS.length]!.points;
      const submission = parsed.data?.submitAssignment?.submission;
      attempts[learner]! += 1;
      if (
        submission?.status !== "GRADED" ||
        submission.grade?.points !== expected ||
        submission.attempt !== attempts[learner]
      ) {
        return `expected attempt ${attempts[learner]} GRADED with ${expected} points; ${wrong}`;
      }
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  };

  await Promise.all(
    Array.from({ length: connections }, async (_, connection) => {
      // quiz: this connection's own learners, so no learner has two attempts in flight
      const mine = job.tokens.map((_token, i) => i).filter((i) => i % connections === connection);
      let turn = 0;
      while (now() < end && failures.length === 0) {
        let learner: number;
        if (job.kind === "downloads") learner = next++ % job.tokens.length;
        else {
          const open = mine.filter((i) => attempts[i]! < MAX_ATTEMPTS);
          if (open.length === 0) {
            exhausted = true;
            return;
          }
          learner = open[turn++ % open.length]!;
        }
        const failure = await send(learner);
        if (failure) failures.push(failure);
      }
    }),
  );
  return { firstSentAt, lastAnsweredAt: now(), latencies, failures, samples, attempts, exhausted };
}

// ---- the benchmark ------------------------------------------------------------------

type Support = typeof import("../support");

/** Whether every measure of a backend ran cleanly. */
async function runOn(support: Support, backend: Backend): Promise<boolean> {
  const { operation, registerInstructor, settleEvents, startTestCampus } = support;
  const label = BACKEND_LABELS[backend.name];
  const pad = (text: string) => text.padEnd(28);
  const indent = " ".repeat(28);
  const booted = Date.now();
  const campus: TestCampus = await startTestCampus(backend, {
    // high enough never to trip (every request comes from one IP); the checks still run on each request
    RATE_LIMIT_PER_MINUTE: "100000000",
    RATE_LIMIT_AUTH_PER_MINUTE: "100000",
    // the learners' tokens must outlive setup and both runs on a slow, shared machine
    ACCESS_TOKEN_TTL_SECONDS: "3600",
  });
  const client = forkClient<ClientJob, ClientResult>(__filename, "--learning-client");
  try {
    // ---- setup: course, PDF, quiz, learners (not timed) ----
    const gqlOk = async (query: string, variables: Record<string, unknown>, token?: string) => {
      const result = await campus.gql(query, variables, token);
      if (result.errors) throw new Error(`setup request failed: ${JSON.stringify(result.errors).slice(0, 500)}`);
      return result.data;
    };
    const instructor = await registerInstructor(campus, "Bench Teacher");
    const t = instructor.accessToken;
    const courseId = (
      await gqlOk(
        operation("mvp", "CreateCourse"),
        {
          input: {
            title: `Learning bench ${Date.now()}`,
            description: "Read and quizzed by the bench",
            level: "BEGINNER",
            price: { amount: 0, currency: "USD" },
          },
        },
        t,
      )
    ).createCourse.id as string;
    const moduleId = (await gqlOk(operation("mvp", "AddModule"), { courseId, input: { title: "Only" } }, t)).addModule
      .id as string;
    await gqlOk(operation("mvp", "PublishCourse"), { id: courseId }, t);

    const file = { name: "bench.pdf", contentType: "application/pdf", sizeBytes: PDF.length };
    const added = (
      await gqlOk(operation("learning", "AddContent"), { moduleId, input: { kind: "PDF", title: "Slides", file } }, t)
    ).addContent;
    const contentId = added.content.id as string;
    const headers = Object.fromEntries(
      (added.upload.headers as { name: string; value: string }[]).map((h) => [h.name, h.value]),
    );
    const put = await fetch(added.upload.url, { method: added.upload.method, headers, body: PDF });
    if (put.status < 200 || put.status >= 300) {
      throw new Error(`upload PUT answered ${put.status}: ${(await put.text()).slice(0, 300)}`);
    }
    await gqlOk(operation("learning", "CompleteUpload"), { contentId }, t);

    const assignmentId = (
      await gqlOk(
        operation("learning", "CreateAssignment"),
        {
          courseId,
          input: {
            title: "Bench quiz",
            instructions: "Pick",
            kind: "QUIZ",
            moduleId,
            maxAttempts: MAX_ATTEMPTS,
            questions: QUESTIONS,
          },
        },
        t,
      )
    ).createAssignment.id as string;
    await gqlOk(operation("learning", "PublishAssignment"), { id: assignmentId }, t);

    const enroll = operation("mvp", "Enroll");
    const stamp = Date.now();
    const tokens: string[] = [];
    for (let start = 0; start < LEARNERS; start += 8) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(8, LEARNERS - start) }, async (_, offset) => {
          const n = start + offset;
          const session = await campus.services.identity.accounts.register({
            email: `learning.bench.${n}.${stamp}@example.com`,
            password: "a sturdy passphrase",
            name: `Bench Learner ${n}`,
          });
          await gqlOk(enroll, { courseId }, session.accessToken);
          return session.accessToken;
        }),
      );
      tokens.push(...batch);
    }

    // content and assessment learn of the enrollments from enrollment's events
    await settleEvents(campus, PROJECTION_TIMEOUT_MS);
    const projections = [
      { name: "content", sql: `SELECT count(*)::int AS n FROM "content"."CourseLearner" WHERE "courseId" = $1` },
      {
        name: "assessment",
        sql: `SELECT count(*)::int AS n FROM "assessment"."CourseLearner" WHERE "courseId" = $1`,
      },
    ];
    const deadline = Date.now() + PROJECTION_TIMEOUT_MS;
    for (const { name, sql } of projections) {
      for (;;) {
        const [row] = await campus.databases[name]!.query<{ n: number }>(sql, [courseId]);
        if (Number(row?.n) >= LEARNERS) break;
        if (Date.now() > deadline) throw new Error(`${name} knows ${row?.n} of ${LEARNERS} learners`);
        await sleep(50);
      }
    }
    const item = (await gqlOk(operation("learning", "ContentItem"), { id: contentId }, tokens[tokens.length - 1]))
      .content;
    if (!item?.download?.url)
      throw new Error(`an enrolled learner's ContentItem has no download: ${JSON.stringify(item)}`);
    write(
      `${pad(label)}booted and set up in ${((Date.now() - booted) / 1000).toFixed(1)} s ` +
        `(a free course with a ${PDF.length}-byte PDF and a ${QUESTIONS.length}-question quiz, ${LEARNERS} enrolled learners)`,
    );

    // ---- the two measures ----
    let attempts = tokens.map(() => 0);
    let clean = true;
    const names = Object.keys(campus.databases);
    const measure = async (kind: ClientJob["kind"], what: string) => {
      const job = {
        kind,
        url: campus.routerUrl,
        query: operation("learning", kind === "downloads" ? "ContentItem" : "SubmitAssignment"),
        connections: CONNECTIONS,
        tokens,
        id: kind === "downloads" ? contentId : assignmentId,
      };
      const warm = await client.run({ ...job, seconds: WARMUP_SECONDS, attempts });
      attempts = warm.attempts;
      if (warm.failures.length > 0) {
        write(`${indent}${what}: NOT MEASURED, the warm-up failed: ${warm.failures[0]}`);
        return undefined;
      }
      await settleEvents(campus, 60_000);

      const sqlBefore = Object.fromEntries(names.map((name) => [name, campus.databases[name]!.queries.total]));
      const cpuBefore = process.cpuUsage();
      const machineBefore = machineCpu();
      const loopBefore = performance.eventLoopUtilization();
      const result = await client.run({ ...job, seconds: SECONDS, attempts });
      const cpu = process.cpuUsage(cpuBefore);
      const loop = performance.eventLoopUtilization(loopBefore);
      const machineAfter = machineCpu();
      attempts = result.attempts;
      await settleEvents(campus, 60_000).catch(() => undefined);
      const sql = names
        .map((name) => ({ name, count: campus.databases[name]!.queries.total - sqlBefore[name]! }))
        .filter((entry) => entry.count > 0);
      const done = result.latencies.length;
      const perRequest = sql.filter((entry) => entry.count / done >= 0.05); // not the other subgraphs' sweeps
      const seconds = (result.lastAnsweredAt - result.firstSentAt) / 1000;
      const latencies = sortedOf(result.latencies);
      write(
        `${indent}${what}: ${(done / seconds).toFixed(0)}/s (${done} in ${seconds.toFixed(1)} s, ` +
          `${CONNECTIONS} in flight${result.exhausted ? "; ended early, every learner's attempts used" : ""}); ` +
          `p50 ${ms(percentile(latencies, 50))} ms, p95 ${ms(percentile(latencies, 95))} ms`,
      );
      const cpuMs = (cpu.user + cpu.system) / 1000;
      const busy = (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total);
      write(
        `${indent}  SQL statements per request through Prisma: ` +
          `${perRequest.map((entry) => `${entry.name} ${(entry.count / done).toFixed(1)}`).join(", ") || "none"}; ` +
          `CPU: Campus process ${(cpuMs / done).toFixed(2)} ms per request ` +
          `(${(cpuMs / 1000 / seconds).toFixed(2)} cores, event loop ${(loop.utilization * 100).toFixed(0)} % busy), ` +
          `machine ${(busy * 100).toFixed(0)} % busy of ${cpus().length} cores`,
      );
      if (result.failures.length > 0) {
        write(`${indent}  FAILED: ${result.failures.length} wrong responses, first: ${result.failures[0]}`);
        return undefined;
      }
      return result;
    };

    const downloads = await measure("downloads", "signed download URLs issued (ContentItem)");
    if (!downloads) clean = false;
    else {
      // not timed: the URLs issued under load really give back the file
      const urls = downloads.samples.length > 0 ? downloads.samples : [item.download.url as string];
      for (const url of urls) {
        const response = await fetch(url);
        const bytes = Buffer.from(await response.arrayBuffer());
        if (response.status !== 200 || !bytes.equals(PDF)) {
          write(`${indent}  FAILED: GET of an issued URL answered ${response.status} with ${bytes.length} bytes`);
          clean = false;
          break;
        }
      }
      if (clean) write(`${indent}  ${urls.length} of the URLs issued fetched afterwards: each gave back the PDF`);
    }

    const quiz = await measure("quiz", "quiz submissions graded (SubmitAssignment)");
    if (!quiz) clean = false;
    else {
      const [row] = await campus.databases.assessment!.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "assessment"."Submission" WHERE "assignmentId" = $1 AND "status"::text = 'GRADED'`,
        [assignmentId],
      );
      const sent = attempts.reduce((sum, n) => sum + n, 0);
      const stored = Number(row?.n);
      const note = stored === sent ? "" : "FAILED: ";
      write(`${indent}  ${note}${stored} GRADED submissions stored for ${sent} answered (warm-up included)`);
      if (stored !== sent) clean = false;
    }
    return clean;
  } finally {
    client.stop();
    await campus.stop();
  }
}

async function main(): Promise<number> {
  // after runBenchmark has settled the tsconfig: the subgraphs' decorators need it
  const support = await import("../support");
  write(
    `learning benchmark: ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(2)}; ` +
      `${LEARNERS} enrolled learners (BENCH_LEARNERS), ${CONNECTIONS} requests in flight (BENCH_CONNECTIONS) ` +
      `for ${SECONDS} s each (BENCH_SECONDS) after ${WARMUP_SECONDS} s of warm-up`,
  );
  const all = support.backends();
  let clean = true;
  for (const backend of all) {
    if (!(await runOn(support, backend))) clean = false;
  }
  if (all.length === 1) {
    write(`${"PostgreSQL + Redis".padEnd(28)}skipped: set TEST_POSTGRES_URL and TEST_REDIS_URL`);
  }
  return clean ? 0 : 1;
}

if (process.argv.includes("--learning-client")) serveClientJobs(runClient);
else runBenchmark("learning", __filename, main);
