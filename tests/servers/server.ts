import { existsSync, readFileSync } from "node:fs";

/**
 * A real server that tests can run against, started without Docker from
 * packages the registries serve (`pnpm servers start <name>`). Each keeps its
 * state (data, logs, pid file) under the stateDir it is handed, outlives the
 * process that started it, and tells which environment variable the tests
 * read to find it.
 */
export interface ServerOptions {
  /** Where the server keeps its data, logs and pid file (`<repo>/.servers/<name>`). */
  stateDir: string;
  /** Progress lines, for a person watching. */
  log: (line: string) => void;
}

export interface TestServer {
  name: string;
  /** The environment variable tests read, and the value to set once the server is started. */
  env: Record<string, string>;
  /** Starts the server detached and resolves once it answers; `readyMs` is launch to answering. */
  start(options: ServerOptions): Promise<{ readyMs: number }>;
  stop(options: Pick<ServerOptions, "stateDir">): Promise<void>;
  running(options: Pick<ServerOptions, "stateDir">): Promise<boolean>;
}

/** True while `pid` is a live (not zombie) process whose command line contains `marker`. */
export function processAlive(pid: number, marker?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else, so it is not ours
    return (error as NodeJS.ErrnoException).code === "EPERM" && marker === undefined;
  }
  const proc = `/proc/${pid}`;
  if (!existsSync(proc)) return true; // no procfs (macOS): trust the signal
  try {
    // field 3 of /proc/<pid>/stat is the state; Z is a zombie nobody reaped yet
    const stat = readFileSync(`${proc}/stat`, "utf8");
    if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) return false;
    if (marker && !readFileSync(`${proc}/cmdline`, "utf8").includes(marker)) return false;
  } catch {
    return false;
  }
  return true;
}

/** The last `lines` lines of a file, or a note that it does not exist. */
export function tail(file: string, lines = 40): string {
  if (!existsSync(file)) return `(${file} does not exist)`;
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}
