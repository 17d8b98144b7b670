import { createHash } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { operation } from "@campus/testkit/src/operations";
import { LoadGenerator, type LoadJob } from "./load-generator";

/**
 * What a persisted GET saves at the router: the `Courses` operation of
 * schema/operations/mvp.graphql sent anonymously as a POST with its document,
 * against the same operation as an automatic persisted query by GET (its
 * hash only, stored once in the SharedStore beforehand; the answer carries
 * Cache-Control and an ETag, docs/http-caching.md), in one run on one
 * embedded Campus seeded with the demo data. No If-None-Match is sent, so the
 * router answers every request in full: the figure is the router's own work,
 * not what a CDN in front of it would save.
 *
 * Rounds alternate the order (AB, BA, …) so neighbours' noise falls on both;
 * every response is compared with the expected body. Prints req/s and the
 * Campus process's CPU per request for each, and their ratios.
 *
 * Run: `pnpm bench persisted-get` (BENCH_ROUNDS, BENCH_ROUND_SECONDS,
 * BENCH_CONNECTIONS override 6, 3 and 10). Exits 0 unless a request failed.
 */

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const COURSES = 60;
const VARIABLES = { first: 20 };
const QUERY = operation("mvp", "Courses");

const write = (line = "") => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Tally {
  served: number;
  sent: number;
  seconds: number;
  cpuMicros: number;
  latencies: number[];
  problems: string[];
}

async function main(): Promise<number> {
  const { startCampus, seedDemoData } = await import("@campus/embedded");
  write(`persisted GET benchmark: ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(2)}`);
  const campus = await startCampus({
    env: { NODE_ENV: "test", LOG_LEVEL: "warn", RATE_LIMIT_PER_MINUTE: "100000000" },
    ports: "free",
  });
  const load = new LoadGenerator();
  try {
    const seeded = await seedDemoData(campus, { courses: COURSES });
    write(`campus seeded (${seeded.courses} courses)`);
    const url = campus.routerUrl;
    const sha256Hash = createHash("sha256").update(QUERY).digest("hex");
    const extensions = { persistedQuery: { version: 1, sha256Hash } };

    // the document, then its hash registered as Apollo clients do (APQ: the first POST carries both)
    const post = { operationName: "Courses", query: QUERY, variables: VARIABLES };
    const expected = await (
      await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(post) })
    ).text();
    await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...post, extensions }),
    });
    const getUrl =
      `${url}?operationName=Courses&variables=${encodeURIComponent(JSON.stringify(VARIABLES))}` +
      `&extensions=${encodeURIComponent(JSON.stringify(extensions))}`;
    const getHeaders = { "apollo-require-preflight": "true" };
    const probe = await fetch(getUrl, { headers: getHeaders });
    const probeBody = await probe.text();
    if (probe.status !== 200 || probeBody !== expected || JSON.parse(expected).errors) {
      throw new Error(`the persisted GET does not answer like the POST: ${probe.status} ${probeBody.slice(0, 300)}`);
    }
    write(
      `GET answers ${probe.status} with Cache-Control: ${probe.headers.get("cache-control")}, ETag ${probe.headers.get("etag")}`,
    );

    const jobs: Record<"post" | "get", (seconds: number) => LoadJob> = {
      post: (seconds) => ({ url, body: JSON.stringify(post), expectBody: expected, seconds, connections: CONNECTIONS }),
      get: (seconds) => ({
        url: getUrl,
        method: "GET",
        headers: getHeaders,
        body: "",
        expectBody: expected,
        seconds,
        connections: CONNECTIONS,
      }),
    };
    const labels = { post: "POST with the document", get: "persisted GET (hash only)" };
    for (const key of ["post", "get"] as const) await load.run(jobs[key](2));

    const tallies: Record<"post" | "get", Tally> = {
      post: { served: 0, sent: 0, seconds: 0, cpuMicros: 0, latencies: [], problems: [] },
      get: { served: 0, sent: 0, seconds: 0, cpuMicros: 0, latencies: [], problems: [] },
    };
    write(`${ROUNDS} rounds × ${ROUND_SECONDS} s each, ${CONNECTIONS} connections, orders AB BA …`);
    for (let round = 0; round < ROUNDS; round += 1) {
      const order = round % 2 === 0 ? (["post", "get"] as const) : (["get", "post"] as const);
      const line: string[] = [];
      for (const key of order) {
        await sleep(500);
        const cpuBefore = process.cpuUsage();
        const result = await load.run(jobs[key](ROUND_SECONDS));
        await sleep(500);
        const cpu = process.cpuUsage(cpuBefore);
        const tally = tallies[key];
        tally.served += result.latencies.length;
        tally.sent += result.sent;
        tally.seconds += result.seconds;
        tally.cpuMicros += cpu.user + cpu.system;
        tally.latencies.push(...result.latencies);
        for (const [what, count] of Object.entries(result.problems)) {
          if (count > 0) tally.problems.push(`round ${round + 1}: ${count} ${what}`);
        }
        line.push(`${key} ${(result.latencies.length / result.seconds).toFixed(0)} req/s`);
      }
      write(`  round ${round + 1}: ${line.join(" | ")}`);
    }

    const rps = (t: Tally) => t.served / t.seconds;
    const cpuMs = (t: Tally) => t.cpuMicros / t.sent / 1000;
    const p95 = (t: Tally) => [...t.latencies].sort((a, b) => a - b)[Math.ceil(0.95 * t.latencies.length) - 1] ?? NaN;
    write();
    for (const key of ["post", "get"] as const) {
      const t = tallies[key];
      write(
        `${labels[key].padEnd(28)} ${rps(t).toFixed(1)} req/s, p95 ${p95(t).toFixed(0)} ms, ${cpuMs(t).toFixed(2)} CPU-ms per request`,
      );
    }
    write(
      `persisted GET / POST document: ${(rps(tallies.get) / rps(tallies.post)).toFixed(2)}× req/s, ` +
        `${(cpuMs(tallies.get) / cpuMs(tallies.post)).toFixed(2)}× CPU per request`,
    );
    const problems = [...tallies.post.problems, ...tallies.get.problems];
    if (problems.length > 0) {
      write(`requests failed: ${problems.join("; ")}`);
      return 1;
    }
    return 0;
  } finally {
    load.stop();
    await campus.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`persisted GET benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
