import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { commandLine } from "@campus/config";

/**
 * `pnpm bench [name ...]`: runs every tests/bench/*.bench.ts one after another,
 * each in its own process (`node -r @swc-node/register`, from tests/ so its
 * tsconfig applies), so one benchmark's memory and warm caches never colour the
 * next. With arguments, only the benchmarks whose file name contains one of
 * them run (`pnpm bench cold-start`). Each benchmark prints its own figures; a
 * non-zero exit (a missed target, a crash) makes the whole run fail.
 */

const BENCH_DIR = __dirname;
const TESTS_DIR = path.resolve(BENCH_DIR, "..");
const SUFFIX = ".bench.ts";

function discover(): string[] {
  return readdirSync(BENCH_DIR)
    .filter((file) => file.endsWith(SUFFIX))
    .sort();
}

function runOne(file: string): Promise<{ code: number; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["-r", "@swc-node/register", path.join(BENCH_DIR, file)], {
      cwd: TESTS_DIR,
      stdio: "inherit",
      env: process.env,
    });
    // Ctrl-C reaches the child through the terminal's process group: wait for it
    // to clean up. A SIGTERM sent to this process alone is passed on.
    const ignore = () => undefined;
    const forward = () => child.kill("SIGTERM");
    process.on("SIGINT", ignore);
    process.on("SIGTERM", forward);
    const done = (code: number) => {
      process.off("SIGINT", ignore);
      process.off("SIGTERM", forward);
      resolve({ code, ms: Date.now() - started });
    };
    child.on("error", (error) => {
      process.stderr.write(`bench: cannot start ${file}: ${error.message}\n`);
      done(1);
    });
    child.on("exit", (code, signal) => done(code ?? (signal ? 128 : 1)));
  });
}

async function main(argv: string[]): Promise<number> {
  const write = (line: string) => process.stdout.write(`${line}\n`);
  const args = commandLine(
    {
      usage: "pnpm bench [--list] [name ...]",
      description:
        "Runs the benchmarks in tests/bench/*.bench.ts one after another, each in its own process, or only\n" +
        "those whose file name contains one of the names given. Each prints its own figures; a missed target fails.",
      options: { list: { type: "boolean" } },
      help: { list: "print the benchmarks' names and run nothing" },
      positionals: true,
    },
    argv,
  );
  const all = discover();
  const names = (file: string) => file.slice(0, -SUFFIX.length);
  if (args.values.list) {
    for (const file of all) write(names(file));
    return 0;
  }
  const filters = args.positionals;
  const unmatched = filters.filter((filter) => !all.some((file) => file.includes(filter)));
  if (unmatched.length > 0) {
    process.stderr.write(
      `bench: no benchmark matches ${unmatched.join(", ")} (available: ${all.map(names).join(", ") || "none"})\n`,
    );
    return 2;
  }
  const selected = filters.length > 0 ? all.filter((file) => filters.some((filter) => file.includes(filter))) : all;
  if (selected.length === 0) {
    process.stderr.write(`bench: no *${SUFFIX} files in ${BENCH_DIR}\n`);
    return 2;
  }

  const results: { name: string; code: number; ms: number }[] = [];
  for (const file of selected) {
    write(`\n=== ${names(file)} (${path.relative(process.cwd(), path.join(BENCH_DIR, file))}) ===`);
    const result = await runOne(file);
    results.push({ name: names(file), ...result });
  }

  write("\n=== summary ===");
  const width = Math.max(...results.map((result) => result.name.length));
  for (const result of results) {
    const status = result.code === 0 ? "ok" : `FAILED (exit ${result.code})`;
    write(`${result.name.padEnd(width)}  ${status.padEnd(18)} ${(result.ms / 1000).toFixed(1)} s`);
  }
  return results.some((result) => result.code !== 0) ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
