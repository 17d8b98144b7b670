import { spawnSync } from "node:child_process";
import path from "node:path";

/** `pnpm servers` without a server behind it: help and usage errors start nothing. */
const root = path.resolve(__dirname, "..", "..");
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ["-r", "@swc-node/register", path.join(__dirname, "cli.ts"), ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "", PATH: "" }, // no PATH: a command that ran mvn or java would fail loudly
  });

describe("pnpm servers", () => {
  it("--help prints the usage and nothing else happens", () => {
    for (const flag of ["--help", "-h"]) {
      const result = cli(flag);
      expect(result.status).toBe(0);
      expect(result.stdout).toContain("Usage: pnpm servers <command> [server ...]");
      expect(result.stdout).toContain("KAFKA_BROKERS=127.0.0.1:9092");
      expect(result.stdout).toContain("OPENSEARCH_URL=http://127.0.0.1:9200");
      expect(result.stderr).toBe("");
    }
    // help wins wherever it stands, even after a command that would start something
    expect(cli("start", "kafka", "--help").status).toBe(0);
  });

  it("refuses an unknown command or server with the usage and exit code 2", () => {
    const command = cli("restart");
    expect(command.status).toBe(2);
    expect(command.stderr).toContain("servers: unknown command restart");
    const server = cli("start", "zookeeper");
    expect(server.status).toBe(2);
    expect(server.stderr).toContain("servers: unknown server zookeeper (known: kafka, opensearch)");
  });
});
