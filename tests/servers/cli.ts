/**
 * `pnpm servers`: starts and stops the real servers some tests run against,
 * without Docker. State (data, logs, pid file) lives in <repo>/.servers/<name>/;
 * a started server outlives this command until `pnpm servers stop`.
 */
import path from "node:path";
import { kafkaServer } from "./kafka/kafka-server";
import { opensearchServer } from "./opensearch/opensearch-server";
import type { TestServer } from "./server";

const SERVERS: TestServer[] = [kafkaServer, opensearchServer];

const ROOT = path.resolve(__dirname, "..", "..");
const stateDir = (server: TestServer) => path.join(ROOT, ".servers", server.name);
const envLine = (server: TestServer) =>
  Object.entries(server.env)
    .map(([name, value]) => `${name}=${value}`)
    .join(" ");

const USAGE = `Usage: pnpm servers <command> [server ...]

Runs real servers for tests on this machine, without Docker.

Commands:
  start [server ...]   start (all when none is named) and wait until each answers;
                       prints the environment to set, e.g. ${envLine(kafkaServer)}
                       or ${envLine(opensearchServer)}
  stop [server ...]    stop (all when none is named)
  status               tell which are running
  --help, -h           show this help

Servers: ${SERVERS.map((s) => s.name).join(", ")}
State, data and logs: .servers/<server>/ (e.g. .servers/kafka/logs/server.log,
.servers/opensearch/opensearch.log)

Progress goes to stderr and the environment lines to stdout, so
  export $(pnpm -s servers start kafka)
sets them in the calling shell.`;

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

class UsageError extends Error {}

function pick(names: string[]): TestServer[] {
  if (names.length === 0) return SERVERS;
  const unknown = names.filter((name) => !SERVERS.some((s) => s.name === name));
  if (unknown.length > 0) {
    throw new UsageError(`unknown server ${unknown.join(", ")} (known: ${SERVERS.map((s) => s.name).join(", ")})`);
  }
  return SERVERS.filter((s) => names.includes(s.name));
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv.some((arg) => arg === "--help" || arg === "-h" || arg === "help")) {
    out(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  const [command, ...names] = argv;
  switch (command) {
    case "start":
      for (const server of pick(names)) {
        const log = (line: string) => err(`[${server.name}] ${line}`);
        const started = Date.now();
        const { readyMs } = await server.start({ stateDir: stateDir(server), log });
        if (readyMs > 0) {
          log(
            `ready in ${(readyMs / 1000).toFixed(1)} s after launch (${((Date.now() - started) / 1000).toFixed(1)} s in all); ` +
              `logs in ${path.relative(process.cwd(), stateDir(server)) || "."}/`,
          );
        }
        out(envLine(server));
      }
      return 0;
    case "stop":
      for (const server of pick(names)) {
        const wasRunning = await server.running({ stateDir: stateDir(server) });
        await server.stop({ stateDir: stateDir(server) });
        err(`[${server.name}] ${wasRunning ? "stopped" : "was not running"}`);
      }
      return 0;
    case "status": {
      for (const server of pick(names)) {
        const running = await server.running({ stateDir: stateDir(server) });
        out(`${server.name.padEnd(12)} ${running ? `running   ${envLine(server)}` : "stopped"}`);
      }
      return 0;
    }
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      err(`servers: ${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    err(`servers: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
