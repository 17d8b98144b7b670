import { fork } from "node:child_process";
import { cpus } from "node:os";
import type { Database } from "@campus/database";
import type { Backend } from "../support";

/**
 * What the end-to-end benchmarks (checkout, learning) share: the client in a
 * child process of its own, so it does not share Campus's event loop, the
 * figures they print, and the machine's CPU counters.
 */

/** Wall clock with sub-millisecond resolution, comparable across this process and the client's. */
export const now = () => performance.timeOrigin + performance.now();

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
export const sortedOf = (values: number[]) => [...values].sort((a, b) => a - b);
export const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));

export const BACKEND_LABELS: Record<Backend["name"], string> = {
  embedded: "PGlite",
  "postgres+redis": "PostgreSQL + Redis",
  "postgres+redis+kafka": "PostgreSQL + Redis + Kafka",
  "postgres+redis+opensearch": "PostgreSQL + Redis + OpenSearch",
  "postgres+redis+kafka+opensearch": "PostgreSQL + Redis + Kafka + OpenSearch",
};

/** Busy and total CPU time of the whole machine so far (ms, summed over cores). */
export function machineCpu() {
  let busy = 0;
  let total = 0;
  for (const cpu of cpus()) {
    const { user, nice, sys, idle, irq } = cpu.times;
    busy += user + nice + sys + irq;
    total += user + nice + sys + idle + irq;
  }
  return { busy, total };
}

/**
 * CPU time (ms) of the PostgreSQL server processes serving this database, read
 * from /proc: only when PostgreSQL runs on this machine (else undefined).
 * Connections that close between two readings lose what they used, so it is
 * a lower bound; the pools keep their connections while busy.
 */
export async function postgresCpu(db: Database): Promise<Map<number, number> | undefined> {
  if (db.kind !== "postgres") return undefined;
  const { readFile } = await import("node:fs/promises");
  const rows = await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`);
  const used = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8");
      // pid (comm) state … utime stime: fields 14 and 15, in clock ticks (100 per second)
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      used.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // not on this machine, or the connection just closed
    }
  }
  return used.size > 0 ? used : undefined;
}

export function cpuBetween(before: Map<number, number> | undefined, after: Map<number, number> | undefined) {
  if (!before || !after) return undefined;
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/** In the client's process: answers each job the parent sends with `run`'s result. */
export function serveClientJobs<Job, Result>(run: (job: Job) => Promise<Result>): void {
  process.on("message", (job: Job) => {
    run(job).then(
      (result) => process.send!({ result }),
      (error: unknown) => process.send!({ error: String(error) }),
    );
  });
}

/** Forks `file` with `flag` (which makes it serve jobs); `run` sends one job and resolves with its result. */
export function forkClient<Job, Result>(file: string, flag: string) {
  const child = fork(file, [flag], { stdio: "inherit" });
  return {
    run(job: Job): Promise<Result> {
      return new Promise((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`bench client (${flag}) exited (${code})`));
        child.once("exit", onExit);
        child.once("message", (message: { result?: Result; error?: string }) => {
          child.off("exit", onExit);
          if (message.error) reject(new Error(message.error));
          else resolve(message.result!);
        });
        child.send(job as object);
      });
    },
    stop: () => child.kill(),
  };
}
