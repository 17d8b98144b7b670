import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

/** @swc-node/register reads ./tsconfig.json; anywhere but tests/ there is none, and decorators would not compile. */
function needsTestsTsconfig(): boolean {
  return (
    !process.env.SWC_NODE_PROJECT &&
    !process.env.TS_NODE_PROJECT &&
    !existsSync(path.join(process.cwd(), "tsconfig.json"))
  );
}

/**
 * Runs a benchmark file as a process: its exit code is main's (a missed target
 * is non-zero), a crash prints the stack and exits 1. Started from outside
 * tests/ (`node -r @swc-node/register tests/bench/x.bench.ts`), it runs itself
 * again with tests/tsconfig.json so the same command works from anywhere.
 */
export function runBenchmark(name: string, file: string, main: () => Promise<number | void>): void {
  if (needsTestsTsconfig()) {
    const child = spawn(process.execPath, [...process.execArgv, file, ...process.argv.slice(2)], {
      stdio: "inherit",
      env: { ...process.env, SWC_NODE_PROJECT: path.resolve(__dirname, "../tsconfig.json") },
    });
    process.on("SIGTERM", () => child.kill("SIGTERM"));
    child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
    return;
  }
  main().then(
    (code) => process.exit(code ?? 0),
    (error: unknown) => {
      process.stderr.write(
        `${name} bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
