import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * The commands a newcomer runs in the first hour, as processes: `--help`
 * does nothing but print the usage, demo data stays out of production, and a
 * bad setting stops a service with one line naming the variable, never a
 * stack trace.
 */
const root = path.resolve(__dirname, "../..");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript entry point the way its package script does (from its folder, through swc). */
function run(dir: string, file: string, args: string[] = [], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-r", "@swc-node/register", file, ...args], {
      cwd: path.join(root, dir),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_FORMAT: "json", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const SECRET = "s".repeat(40);
/** Every subgraph starts through the kit's standalone entry, from its own folder (its package's start script). */
const STANDALONE = "../../packages/subgraph/src/standalone.ts";

describe("commands", () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), "campus-cli-"));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const dataDir = (name: string) => path.join(scratch, name);

  it("every CLI answers --help with its usage and does nothing else", async () => {
    const schemaFile = path.join(root, "schema/supergraph.graphql");
    const schemaTime = statSync(schemaFile).mtimeMs;
    const commands: [string, string, string, string[]][] = [
      ["seed", "infra/embedded", "src/seed/cli.ts", ["--help"]],
      ["events:replay", ".", "packages/events/src/cli/replay.ts", ["--help"]],
      ["search:reindex", ".", "subgraphs/search/src/cli/search-reindex.ts", ["--help"]],
      ["analytics:rebuild", ".", "subgraphs/analytics/src/cli/analytics-rebuild.ts", ["--help"]],
      ["bench", "tests", "bench/run.ts", ["--help"]],
      ["migrate", ".", "packages/database/src/cli/migrate.ts", ["--help"]],
      ["migrate:new", ".", "packages/database/src/cli/migrate-new.ts", ["--help"]],
      ["compose", "router", "src/compose/cli.ts", ["--help"]],
      ["schema:check", ".", "router/src/schema-check/cli.ts", ["--help"]],
      ["partners:manifests", ".", "subgraphs/identity/src/cli/partner-manifests.ts", ["--help"]],
      ["safelist:manifest", "tests", "schema/first-party-manifest.ts", ["--help"]],
    ];
    const runs = await Promise.all(
      commands.map(([name, dir, file, args]) => run(dir, file, args, { DATA_DIR: dataDir(`help-${name}`) })),
    );
    for (const [index, [name]] of commands.entries()) {
      const result = runs[index]!;
      expect({ name, code: result.code, usage: /usage/i.test(result.stdout) }).toEqual({ name, code: 0, usage: true });
      expect(existsSync(dataDir(`help-${name}`))).toBe(false);
      expect(result.stdout).not.toMatch(
        /=== |event\(s\) marked|demo data loaded|migration\(s\) applied|supergraph written/,
      );
    }
    expect(statSync(schemaFile).mtimeMs).toBe(schemaTime);
  });

  it("an unknown option is refused with the usage, exit 2", async () => {
    const result = await run("infra/embedded", "src/seed/cli.ts", ["--frce"], { DATA_DIR: dataDir("typo") });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Unknown option '--frce'/);
    expect(existsSync(dataDir("typo"))).toBe(false);
  });

  it("pnpm seed refuses a production database, and --force needs a password of your own", async () => {
    const refused = await run("infra/embedded", "src/seed/cli.ts", [], {
      NODE_ENV: "production",
      DATA_DIR: dataDir("prod"),
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/NODE_ENV=production/);
    const forced = await run("infra/embedded", "src/seed/cli.ts", ["--force"], {
      NODE_ENV: "production",
      DATA_DIR: dataDir("prod"),
      DEMO_PASSWORD: "campus-demo-password",
    });
    expect(forced.code).toBe(1);
    expect(forced.stderr).toMatch(/DEMO_PASSWORD/);
    expect(existsSync(dataDir("prod"))).toBe(false);
    // the embedded runtime will not load demo data into production either
    const dev = await run("infra/embedded", "src/main.ts", [], {
      NODE_ENV: "production",
      SEED_DEMO_DATA: "true",
      DATA_DIR: dataDir("prod-dev"),
    });
    expect(dev.code).toBe(1);
    expect(dev.stderr.trim()).toBe(
      "campus: Invalid configuration: SEED_DEMO_DATA: demo data is never loaded when NODE_ENV=production (pnpm seed --force does it on purpose)",
    );
  });

  it("a bad setting stops a service with one line per variable, no stack", async () => {
    const runs = await Promise.all([
      run("subgraphs/identity", STANDALONE, [], { INTERNAL_AUTH_SECRET: SECRET, JWT_SIGNING_KEYS: "garbage" }),
      run("router", "src/main.ts", [], { INTERNAL_AUTH_SECRET: SECRET, MAX_QUERY_DEPTH: "abc", PORT: "99999" }),
      run("subgraphs/catalog", STANDALONE, [], { INTERNAL_AUTH_SECRET: "short" }),
      run("infra/embedded", "src/main.ts", [], { SEED_DEMO_DATA: "maybe", DATA_DIR: dataDir("maybe") }),
      run("subgraphs/enrollment", STANDALONE, [], { NODE_ENV: "production", INTERNAL_AUTH_SECRET: SECRET }),
    ]);
    const expected = [
      [
        "identity: Invalid configuration: JWT_SIGNING_KEYS: must be a JSON array of private Ed25519 JWKs, each with a kid (docs/operations.md shows how to make one); it is not JSON",
      ],
      [
        "router: Invalid configuration: PORT: must be a port number (0-65535)",
        "router: Invalid configuration: MAX_QUERY_DEPTH: must be a positive whole number",
      ],
      ["catalog: Invalid configuration: INTERNAL_AUTH_SECRET: must be at least 32 characters"],
      ["campus: Invalid configuration: SEED_DEMO_DATA: must be true or false"],
      [
        "enrollment: Invalid configuration: ENROLLMENT_DATABASE_URL: required when NODE_ENV=production",
        "enrollment: Invalid configuration: REDIS_URL: required when NODE_ENV=production",
      ],
    ];
    for (const [index, result] of runs.entries()) {
      expect({ code: result.code, stderr: result.stderr.trim().split("\n") }).toEqual({
        code: 1,
        stderr: expected[index],
      });
      expect(result.stderr + result.stdout).not.toMatch(/\n\s+at /);
    }
  });
});
