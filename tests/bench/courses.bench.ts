import { operation } from "@campus/testkit/src/operations";
import { cpus, loadavg } from "node:os";
import { runBenchmark } from "./bench-process";
import { LoadGenerator, type LoadResult } from "./load-generator";

/**
 * The federation tax on the `Courses` operation of schema/operations/mvp.graphql (as
 * written there, `first: 20`, anonymous), on the embedded runtime with the
 * demo seed (60 courses, 54 published):
 *
 *   A  router: autocannon (in a child process) → router (HTTP, JSON, query
 *      planning, authorization + rate limit + query limits ON) → catalog,
 *      then identity and enrollment `_entities` in parallel, each over real
 *      HTTP with signed identity headers, GraphQL validation/execution and
 *      graphql-shield on every subgraph.
 *   B  in process: the same service and repository calls the subgraphs'
 *      resolvers make, in the order the gateway's query plan makes them
 *      (catalog's CourseService.listCourses; then identity's
 *      UserRepository.byId, as its User reference resolver, and enrollment's
 *      EnrollmentService.enrollmentCount, in parallel), with a fresh
 *      DataLoader registry per subgraph per request, building the same
 *      response object and JSON-encoding it. No HTTP, no gateway, no GraphQL
 *      execution, no shield, no JWT or rate-limit store.
 *
 * Both sides read the same PGlite through the same Prisma code, so SQL per
 * request is printed per subgraph from the query counters and must be equal;
 * B's answer is checked against A's, byte for byte, on every request.
 * Both run with the same concurrency (autocannon connections = concurrent
 * in-process callers). Rounds alternate AB, BA, AB, … so drift and
 * neighbours' noise fall on both sides alike. Note what B leaves out on a
 * shared machine: A's load generator is a separate process competing for the
 * same cores as the server; B has no client at all.
 *
 * Run: node -r @swc-node/register tests/bench/courses.bench.ts (from the
 * repository root; it restarts itself with tests/tsconfig.json, which the
 * subgraphs' decorators need), or `pnpm bench courses`. BENCH_ROUNDS,
 * BENCH_ROUND_SECONDS and BENCH_CONNECTIONS override the defaults. Prints
 * figures only (no target); exits 1 if a side could not be measured cleanly.
 */

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 5);
const WARMUP_SECONDS = 2;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const PAGE = 20;

// Exactly as in schema/operations/mvp.graphql.
const COURSES_QUERY = operation("mvp", "Courses");
const VARIABLES = { first: PAGE };
const SUBGRAPHS = ["catalog", "identity", "enrollment"] as const;
type Subgraph = (typeof SUBGRAPHS)[number];

const write = (line = "") => process.stdout.write(`${line}\n`);

// ---- figures ------------------------------------------------------------------

interface Tally {
  seconds: number;
  latencies: number[];
  perRound: number[];
  /** Requests the server received (for queries per request). */
  requests: number;
  queries: Record<Subgraph, number>;
  failures: string[];
}

const emptyTally = (): Tally => ({
  seconds: 0,
  latencies: [],
  perRound: [],
  requests: 0,
  queries: { catalog: 0, identity: 0, enrollment: 0 },
  failures: [],
});

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const rate = (tally: Tally) => tally.latencies.length / tally.seconds;
const sortedLatencies = (tally: Tally) => [...tally.latencies].sort((a, b) => a - b);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- the benchmark ------------------------------------------------------------

async function main(): Promise<number> {
  const [{ startCampus, seedDemoData }, { LoaderRegistry }, { UserRepository }, { PrismaClient }] = await Promise.all([
    import("@campus/embedded"),
    import("@campus/subgraph"),
    import("@campus/identity/src/data/user.repository"),
    import("@campus/identity/src/data/identity.prisma"),
  ]);

  write(`courses benchmark (federation tax): ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(2)}`);
  const booted = Date.now();
  const campus = await startCampus({
    env: {
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      // high enough never to trip (every request comes from one IP); the check still runs on each request
      RATE_LIMIT_PER_MINUTE: "100000000",
      RATE_LIMIT_AUTH_PER_MINUTE: "100000",
    },
    ports: "free",
  });
  const load = new LoadGenerator();
  const identityPrisma = new PrismaClient({ adapter: campus.databases.identity.adapter });
  try {
    const seed = await seedDemoData(campus);
    write(
      `embedded campus booted and seeded (${seed.courses} courses) in ${((Date.now() - booted) / 1000).toFixed(1)} s`,
    );

    // ---- B: the subgraphs' own calls, in process ----
    const { courses } = campus.services.catalog;
    const { enrollments } = campus.services.enrollment;
    // identity's User reference resolver calls UserRepository.byId; the running subgraph does not
    // expose its instance, so this is the same class on a Prisma client over the same counted database
    const users = new UserRepository(identityPrisma);
    const anonymous = { userId: null, roles: [] };

    async function inProcess(): Promise<string> {
      // catalog: Query.courses → CourseService.listCourses; price and instructor are field resolvers on the row
      const page = await courses.listCourses(anonymous, PAGE, null, {});
      // then, as the query plan does, identity and enrollment in parallel, each with its own request's loaders
      const identityLoaders = new LoaderRegistry();
      const enrollmentLoaders = new LoaderRegistry();
      const [names, counts] = await Promise.all([
        Promise.all(page.edges.map(({ node }) => users.byId(identityLoaders, node.instructorId))),
        Promise.all(page.edges.map(({ node }) => enrollments.enrollmentCount(enrollmentLoaders, node.id))),
      ]);
      return JSON.stringify({
        data: {
          courses: {
            totalCount: page.totalCount,
            edges: page.edges.map(({ cursor, node }, index) => ({
              cursor,
              node: {
                id: node.id,
                title: node.title,
                slug: node.slug,
                level: node.level,
                price: { amount: node.priceAmount, currency: node.priceCurrency },
                instructor: { id: node.instructorId, name: names[index]!.name },
                enrollmentCount: counts[index],
              },
            })),
            pageInfo: page.pageInfo,
          },
        },
      });
    }

    /** `connections` callers in a loop for `seconds`, like autocannon's connections. */
    async function runInProcess(seconds: number, expectBody: string): Promise<LoadResult> {
      const latencies: number[] = [];
      let sent = 0;
      let mismatches = 0;
      let errors = 0;
      const started = process.hrtime.bigint();
      const until = Date.now() + seconds * 1000;
      await Promise.all(
        Array.from({ length: CONNECTIONS }, async () => {
          while (Date.now() < until) {
            sent += 1;
            const t0 = process.hrtime.bigint();
            try {
              const body = await inProcess();
              latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
              if (body !== expectBody) mismatches += 1;
            } catch {
              errors += 1;
            }
          }
        }),
      );
      return {
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        latencies,
        sent,
        problems: { errors, mismatches },
      };
    }

    // ---- A's expected answer, and B must give the same ----
    const url = campus.routerUrl;
    const body = JSON.stringify({ operationName: "Courses", query: COURSES_QUERY, variables: VARIABLES });
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
    const expectBody = await response.text();
    const expected = JSON.parse(expectBody) as { data?: any; errors?: unknown };
    if (response.status !== 200 || expected.errors) throw new Error(`Courses failed: ${expectBody.slice(0, 500)}`);
    if (expected.data.courses.edges.length !== PAGE) throw new Error("the seeded catalog is too small");
    const instructors = new Set(expected.data.courses.edges.map((edge: any) => edge.node.instructor.id)).size;
    // the router's body ends with a newline; the JSON before it must be identical
    const expectJson = expectBody.trimEnd();
    const inProcessBody = await inProcess();
    if (inProcessBody !== expectJson) {
      let at = 0;
      while (inProcessBody[at] === expectJson[at]) at += 1;
      const around = (text: string) => text.slice(Math.max(0, at - 120), at + 120);
      throw new Error(
        `in-process answer differs from the router's at character ${at}:\n  in process: …${around(inProcessBody)}…\n  router:     …${around(expectJson)}…`,
      );
    }

    const counters = () =>
      Object.fromEntries(SUBGRAPHS.map((name) => [name, campus.databases[name].queries.total])) as Record<
        Subgraph,
        number
      >;
    /** The server may still be finishing requests autocannon gave up waiting for: wait until the counters rest. */
    async function settledCounters() {
      let last = counters();
      for (;;) {
        await sleep(100);
        const now = counters();
        if (SUBGRAPHS.every((name) => now[name] === last[name])) return now;
        last = now;
      }
    }

    const sides = {
      A: {
        label: "A router (HTTP + gateway + 3 subgraphs over HTTP)",
        run: (seconds: number) => load.run({ url, body, expectBody, seconds, connections: CONNECTIONS }),
      },
      B: {
        label: "B in process (same service calls, no HTTP/gateway)",
        run: (seconds: number) => runInProcess(seconds, expectJson),
      },
    } as const;
    const tallies = { A: emptyTally(), B: emptyTally() };

    for (const side of ["A", "B"] as const) await sides[side].run(WARMUP_SECONDS);
    write(`${ROUNDS} rounds × ${ROUND_SECONDS} s per side, ${CONNECTIONS} concurrent, alternating AB / BA`);
    for (let round = 0; round < ROUNDS; round += 1) {
      const order = round % 2 === 0 ? (["A", "B"] as const) : (["B", "A"] as const);
      const line: string[] = [];
      for (const side of order) {
        const before = await settledCounters();
        const result = await sides[side].run(ROUND_SECONDS);
        const after = await settledCounters();
        const tally = tallies[side];
        tally.seconds += result.seconds;
        for (const ms of result.latencies) tally.latencies.push(ms);
        tally.perRound.push(result.latencies.length / result.seconds);
        tally.requests += result.sent;
        for (const name of SUBGRAPHS) tally.queries[name] += after[name] - before[name];
        for (const [what, count] of Object.entries(result.problems)) {
          if (count > 0) tally.failures.push(`round ${round + 1}: ${count} ${what}`);
        }
        line.push(`${side} ${(result.latencies.length / result.seconds).toFixed(0)} req/s`);
      }
      write(`  round ${round + 1}: ${line.join(", ")}`);
    }

    // ---- report ----
    write();
    write(
      `operation: Courses ${JSON.stringify(VARIABLES)} as in schema/operations/mvp.graphql, anonymous; ` +
        `${expected.data.courses.totalCount} published courses, ${instructors} instructors on the page`,
    );
    write("side                                                 req/s   p50 ms   p95 ms   requests   SQL/request");
    for (const side of ["A", "B"] as const) {
      const tally = tallies[side];
      const sorted = sortedLatencies(tally);
      const sql = SUBGRAPHS.map((name) => `${name} ${(tally.queries[name] / tally.requests).toFixed(2)}`).join(", ");
      write(
        `${sides[side].label.padEnd(52)} ${rate(tally).toFixed(0).padStart(6)}   ${percentile(sorted, 50)
          .toFixed(2)
          .padStart(6)}   ${percentile(sorted, 95).toFixed(2).padStart(6)}   ${String(tally.latencies.length).padStart(
          8,
        )}   ${sql}`,
      );
    }
    const a = tallies.A;
    const b = tallies.B;
    const perRound = a.perRound.map((value, i) => b.perRound[i]! / value);
    const [aSorted, bSorted] = [sortedLatencies(a), sortedLatencies(b)];
    write();
    write(
      `federation tax: in-process throughput / router throughput = ${(rate(b) / rate(a)).toFixed(2)}× ` +
        `(per round: ${perRound.map((x) => `${x.toFixed(2)}×`).join(", ")}); ` +
        `p50 latency router / in-process = ${(percentile(aSorted, 50) / percentile(bSorted, 50)).toFixed(2)}×, ` +
        `p95 = ${(percentile(aSorted, 95) / percentile(bSorted, 95)).toFixed(2)}×`,
    );
    write(
      "A includes: HTTP client (autocannon, separate process, same cores), router HTTP + JSON, operation parse/validate, " +
        "authorization + rate-limit (store) + query-limit checks, query planning (cached), 3 subgraph HTTP calls with " +
        "HMAC identity headers, each subgraph's GraphQL parse/validate/execute + graphql-shield, result merging.",
    );
    write(
      "B includes: CourseService.listCourses (2 SQL), UserRepository.byId via DataLoader (1 SQL), " +
        "EnrollmentService.enrollmentCount via DataLoader (1 SQL), building and JSON-encoding the same response; " +
        "same process, same PGlite, same Prisma, same concurrency.",
    );

    const failures = (["A", "B"] as const).flatMap((side) => tallies[side].failures.map((f) => `${side} ${f}`));
    const sqlDiffers = SUBGRAPHS.some(
      (name) => Math.abs(a.queries[name] / a.requests - b.queries[name] / b.requests) > 0.05,
    );
    if (failures.length > 0 || a.latencies.length === 0 || b.latencies.length === 0) {
      write(`NOT MEASURED: ${failures.join("; ") || "a side served no request"}`);
      return 1;
    }
    if (sqlDiffers)
      write("WARNING: the two sides do not make the same SQL per request; the ratio compares unlike work");
    return 0;
  } finally {
    load.stop();
    await identityPrisma.$disconnect();
    await campus.stop();
  }
}

runBenchmark("courses", __filename, main);
