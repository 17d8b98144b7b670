import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { runBenchmark } from "./bench-process";

/**
 * Cold start of `pnpm dev` (the embedded runtime: router + every subgraph +
 * PGlite in one process), measured from outside the way a developer meets it:
 *
 *   (a) first start against an empty DATA_DIR, SEED_DEMO_DATA=false
 *   (b) restart against the same DATA_DIR (warm: migrations applied, keys kept)
 *   (c) first start against another empty DATA_DIR with demo seeding on
 *
 * "Ready" is the moment, counted from spawn, when the router's /health answers
 * 200 and a real query (`{ courses(first: 1) { totalCount } }`) returns data.
 * Memory is VmRSS summed over the process tree from /proc, at ready, plus the
 * tree's VmHWM (peak) up to then (for the seeded start: until the data is loaded). Targets: ready ≤ 15 s and peak RSS ≤ 1.5 GB
 * for (a) and (b); for (c) "Campus is ready" (printed once the demo data is
 * loaded) ≤ 15 s and the memory target.
 * Exits 1 when a target is missed or a start fails.
 */

const REPO_ROOT = path.resolve(__dirname, "../..");
const EMBEDDED_DIR = path.join(REPO_ROOT, "infra/embedded");
/** What `pnpm dev` runs (`pnpm --filter @campus/embedded start`), without the pnpm wrapper process. */
const COMMAND = ["-r", "@swc-node/register", "src/main.ts"];
const TARGET_READY_MS = 15_000;
const TARGET_RSS_BYTES = 1.5e9;
const START_TIMEOUT_MS = 120_000;
const SEED_TIMEOUT_MS = 600_000;
const QUERY = "{ courses(first: 1) { totalCount } }";

const write = (line = "") => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number | undefined) => (ms === undefined ? "-" : `${(ms / 1000).toFixed(2)} s`);
const megabytes = (bytes: number | undefined) => (bytes === undefined ? "-" : `${Math.round(bytes / 1e6)} MB`);

// ---------------------------------------------------------------------------
// Process tree memory from /proc

function childrenByParent(): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid …; comm may contain spaces and parentheses
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = map.get(ppid) ?? [];
      list.push(Number(entry));
      map.set(ppid, list);
    } catch {
      // the process ended while we looked
    }
  }
  return map;
}

function processTree(root: number): number[] {
  const children = childrenByParent();
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** kB fields of /proc/<pid>/status, in bytes. */
function statusBytes(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function treeMemory(root: number): { rss: number; peak: number; processes: number } {
  const pids = processTree(root);
  return {
    rss: pids.reduce((sum, pid) => sum + statusBytes(pid, "VmRSS"), 0),
    peak: pids.reduce((sum, pid) => sum + statusBytes(pid, "VmHWM"), 0),
    processes: pids.length,
  };
}

// ---------------------------------------------------------------------------
// One start of the embedded runtime

interface LogLine {
  msg?: string;
  url?: string;
  readyInMs?: number;
  rssMb?: number;
  courses?: number;
  level?: number;
}

interface StartFigures {
  /** spawn → router /health 200 */
  healthMs: number;
  /** spawn → the query returned data: the figure the target applies to */
  readyMs: number;
  /** spawn → "demo data loaded" (seeded start only) */
  seededMs?: number;
  /** spawn → main.ts logged "Campus is ready" */
  readyLogMs: number;
  /** main.ts's own figures from its ready line */
  selfReportedReadyMs?: number;
  selfReportedRssMb?: number;
  totalCount: number;
  /** totalCount once the demo data is loaded (seeded start only) */
  seededCount?: number;
  rssAtReady: number;
  peakRss: number;
  processes: number;
  /** SIGTERM → exit */
  stopMs: number;
  exitCode: number | null;
}

function embeddedEnv(dataDir: string, seed: boolean): NodeJS.ProcessEnv {
  const env = { ...process.env };
  // The embedded defaults, whatever the caller's shell has set.
  for (const key of [
    "IDENTITY_DATABASE_URL",
    "CATALOG_DATABASE_URL",
    "ENROLLMENT_DATABASE_URL",
    "REDIS_URL",
    "INTERNAL_AUTH_SECRET",
    "JWT_SIGNING_KEYS",
    "HOST",
    "NODE_ENV",
    "NODE_OPTIONS",
  ]) {
    delete env[key];
  }
  return {
    ...env,
    DATA_DIR: dataDir,
    SEED_DEMO_DATA: seed ? "true" : "false",
    LOG_LEVEL: "info",
    // 0: every service picks a free port, so a running `pnpm dev` or test does not collide.
    PORT: "0",
  };
}

async function queryCourses(graphqlUrl: string): Promise<number | undefined> {
  try {
    const response = await fetch(graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: QUERY }),
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await response.json()) as { data?: { courses?: { totalCount?: number } } };
    const count = body.data?.courses?.totalCount;
    return typeof count === "number" ? count : undefined;
  } catch {
    return undefined;
  }
}

async function healthy(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2_000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

async function stop(child: ChildProcess): Promise<{ ms: number; code: number | null }> {
  const started = Date.now();
  if (child.exitCode !== null || child.signalCode !== null) return { ms: 0, code: child.exitCode };
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const code = await exited;
  clearTimeout(timer);
  return { ms: Date.now() - started, code };
}

async function startCampus(dataDir: string, seed: boolean): Promise<StartFigures> {
  const spawned = Date.now();
  const child = spawn(process.execPath, COMMAND, {
    cwd: EMBEDDED_DIR,
    env: embeddedEnv(dataDir, seed),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const tail: string[] = [];
  const remember = (line: string) => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
  };
  let routerUrl: string | undefined;
  let seededAt: number | undefined;
  let readyLog: LogLine | undefined;
  let readyLogAt: number | undefined;
  let exited: string | undefined;

  createInterface({ input: child.stdout! }).on("line", (text) => {
    remember(text);
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      return;
    }
    if (line.msg === "router listening" && line.url) routerUrl = line.url;
    if (line.msg === "demo data loaded") seededAt = Date.now();
    if (line.msg?.startsWith("Campus is ready")) {
      readyLog = line;
      readyLogAt = Date.now();
    }
  });
  createInterface({ input: child.stderr! }).on("line", remember);
  child.on("exit", (code, signal) => (exited = `exited with ${signal ?? `code ${code}`}`));

  const fail = async (why: string): Promise<never> => {
    await stop(child);
    throw new Error(`${why}\n--- last output of the process ---\n${tail.join("\n")}`);
  };
  const waitFor = async (what: string, timeoutMs: number, probe: () => Promise<boolean> | boolean) => {
    for (;;) {
      if (await probe()) return Date.now();
      if (exited) return fail(`the process ${exited} before ${what}`);
      if (Date.now() - spawned > timeoutMs) return fail(`no ${what} within ${timeoutMs / 1000} s`);
      await sleep(25);
    }
  };

  try {
    await waitFor("router listening", START_TIMEOUT_MS, () => routerUrl !== undefined);
    const graphqlUrl = routerUrl!;
    const baseUrl = graphqlUrl.replace(/\/graphql$/, "");
    const healthAt = await waitFor("200 from /health", START_TIMEOUT_MS, () => healthy(baseUrl));
    let totalCount: number | undefined;
    const readyAt = await waitFor("answer to the courses query", START_TIMEOUT_MS, async () => {
      totalCount = await queryCourses(graphqlUrl);
      return totalCount !== undefined;
    });
    const atReady = treeMemory(child.pid!);
    await waitFor('"Campus is ready"', seed ? SEED_TIMEOUT_MS : START_TIMEOUT_MS, () => readyLogAt !== undefined);
    let seededCount: number | undefined;
    if (seed) {
      if (seededAt === undefined) return fail("Campus was ready but never logged 'demo data loaded'");
      seededCount = await queryCourses(graphqlUrl);
    }
    const atEnd = treeMemory(child.pid!);
    const stopped = await stop(child);
    return {
      healthMs: healthAt - spawned,
      readyMs: readyAt - spawned,
      seededMs: seededAt === undefined ? undefined : seededAt - spawned,
      readyLogMs: readyLogAt! - spawned,
      selfReportedReadyMs: readyLog?.readyInMs,
      selfReportedRssMb: readyLog?.rssMb,
      totalCount: totalCount!,
      seededCount,
      rssAtReady: atReady.rss,
      peakRss: Math.max(atReady.peak, atEnd.peak),
      processes: atEnd.processes,
      stopMs: stopped.ms,
      exitCode: stopped.code,
    };
  } catch (error) {
    await stop(child);
    throw error;
  }
}

// ---------------------------------------------------------------------------

interface Check {
  ok: boolean;
  line: string;
}

async function main(): Promise<number> {
  const coldDir = mkdtempSync(path.join(tmpdir(), "campus-bench-cold-"));
  const seedDir = mkdtempSync(path.join(tmpdir(), "campus-bench-seed-"));
  write("cold-start: the embedded runtime (`pnpm dev`), spawned as");
  write(`  cd infra/embedded && node ${COMMAND.join(" ")}   (PORT=0, LOG_LEVEL=info, no database/Redis URLs)`);
  write(
    `machine: ${cpus().length} cores, load average ${loadavg()
      .map((n) => n.toFixed(2))
      .join(" ")} (other work on the machine adds noise)`,
  );
  write();

  const scenarios: { name: string; dataDir: string; seed: boolean; figures?: StartFigures; error?: string }[] = [
    { name: "(a) cold start, empty DATA_DIR, SEED_DEMO_DATA=false", dataDir: coldDir, seed: false },
    { name: "(b) warm start, same DATA_DIR, SEED_DEMO_DATA=false", dataDir: coldDir, seed: false },
    { name: "(c) first start, empty DATA_DIR, SEED_DEMO_DATA=true", dataDir: seedDir, seed: true },
  ];
  try {
    for (const scenario of scenarios) {
      write(`${scenario.name} …`);
      try {
        scenario.figures = await startCampus(scenario.dataDir, scenario.seed);
        const f = scenario.figures;
        write(`  router /health 200 after      ${seconds(f.healthMs)}`);
        write(`  first query answered after    ${seconds(f.readyMs)}   (totalCount ${f.totalCount})`);
        if (f.seededMs !== undefined) {
          write(`  demo data loaded after        ${seconds(f.seededMs)}   (totalCount ${f.seededCount})`);
        }
        write(
          `  "Campus is ready" logged after ${seconds(f.readyLogMs)}   (main.ts says readyInMs ${f.selfReportedReadyMs}, rssMb ${f.selfReportedRssMb})`,
        );
        write(`  RSS of the process tree       ${megabytes(f.rssAtReady)} at ready, peak ${megabytes(f.peakRss)}`);
        write(`  stop (SIGTERM → exit)         ${seconds(f.stopMs)}, exit code ${f.exitCode}`);
      } catch (error) {
        scenario.error = error instanceof Error ? error.message : String(error);
        write(`  FAILED: ${scenario.error}`);
      }
      write();
    }
  } finally {
    rmSync(coldDir, { recursive: true, force: true });
    rmSync(seedDir, { recursive: true, force: true });
  }

  const checks: Check[] = [];
  const target = (ok: boolean, what: string) => checks.push({ ok, line: `${ok ? "PASS" : "FAIL"}  ${what}` });
  const [cold, warm, seeded] = scenarios;
  for (const [label, scenario] of [
    ["cold start", cold!],
    ["warm start", warm!],
  ] as const) {
    const f = scenario.figures;
    if (!f) {
      target(false, `${label}: did not start (${scenario.error?.split("\n")[0]})`);
      continue;
    }
    target(f.readyMs <= TARGET_READY_MS, `${label}: ready in ${seconds(f.readyMs)} (target ≤ 15 s)`);
    target(f.peakRss <= TARGET_RSS_BYTES, `${label}: peak RSS ${megabytes(f.peakRss)} (target ≤ 1.5 GB)`);
  }
  if (seeded!.figures) {
    const f = seeded!.figures;
    target(
      f.readyLogMs !== undefined && f.readyLogMs <= TARGET_READY_MS,
      `seeded start: "Campus is ready", demo data loaded, after ${seconds(f.readyLogMs ?? Number.NaN)} (target ≤ 15 s)`,
    );
    target(f.peakRss <= TARGET_RSS_BYTES, `seeded start: peak RSS ${megabytes(f.peakRss)} (target ≤ 1.5 GB)`);
    target((f.seededCount ?? 0) > 0, `seeded start: demo courses present (totalCount ${f.seededCount})`);
  } else {
    target(false, `seeded start: did not start (${seeded!.error?.split("\n")[0]})`);
  }

  write("targets");
  for (const check of checks) write(`  ${check.line}`);
  if (seeded!.figures) {
    const f = seeded!.figures;
    write(
      `  info  seeded start: router answering after ${seconds(f.readyMs)}, demo data loaded after ${seconds(f.seededMs)}`,
    );
  }
  // Not a target, but worth seeing: SIGTERM should end `pnpm dev` with exit code 0.
  for (const scenario of scenarios) {
    const f = scenario.figures;
    if (f && f.exitCode !== 0) {
      write(`  note  ${scenario.name.slice(0, 3)} SIGTERM ended the process with exit code ${f.exitCode} (expected 0)`);
    }
  }
  const failed = checks.filter((check) => !check.ok).length;
  write(failed === 0 ? "cold-start: all targets met" : `cold-start: ${failed} target(s) missed`);
  return failed === 0 ? 0 : 1;
}

runBenchmark("cold-start", __filename, main);
