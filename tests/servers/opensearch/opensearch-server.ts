/**
 * A real single-node OpenSearch for tests and development, without Docker.
 *
 * Maven (pom.xml beside this file) assembles the official OpenSearch "integ-test-zip" distribution from
 * Maven Central plus the modules the search work needs (analysis-common, mapper-extras, lang-painless,
 * reindex); this module builds it when missing or stale, starts it detached with the distribution's own
 * bin/opensearch on 127.0.0.1:9200, and stops it through the pid file. Everything the node writes goes
 * under `stateDir`: config/, data/, logs/, tmp/, opensearch.log and opensearch.pid. See README.md.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as path from "node:path";

const HOST = "127.0.0.1";
const HTTP_PORT = 9200;
const URL = `http://${HOST}:${HTTP_PORT}`;
const CLUSTER_NAME = "campus-test";
/**
 * Fixed heap (Xms = Xmx, as the distribution wants). 1g: in CI every e2e boot on the PostgreSQL backend
 * creates indexes of its own, two jest workers at a time; 256m still passes the smoke test.
 */
const HEAP = process.env.OPENSEARCH_HEAP ?? "1g";
const READY_TIMEOUT_MS = 180_000;
const STOP_GRACE_MS = 30_000;

const HERE = __dirname;
const POM = path.join(HERE, "pom.xml");
const MODULE_FILES = path.join(HERE, "modules");
const TARGET = path.join(HERE, "target");
const STAMP = path.join(TARGET, "build-inputs.sha256");
const VERSION = readVersion();
const DIST = path.join(TARGET, `opensearch-${VERSION}`);
const LAUNCHER = path.join(DIST, "bin", "opensearch");

type Log = (line: string) => void;

export const opensearchServer: {
  name: "opensearch";
  env: { OPENSEARCH_URL: string };
  start(options: { stateDir: string; log: Log }): Promise<{ readyMs: number }>;
  stop(options: { stateDir: string }): Promise<void>;
  running(options: { stateDir: string }): Promise<boolean>;
} = {
  name: "opensearch",
  env: { OPENSEARCH_URL: URL },

  async start({ stateDir, log }) {
    const files = stateFiles(stateDir);
    const existing = ourPid(stateDir);
    if (existing !== undefined) {
      log(`opensearch: already running (pid ${existing}), waiting for ${URL}`);
      await waitReady(() => !isAlive(existing), files.log, Date.now() + READY_TIMEOUT_MS);
      return { readyMs: 0 };
    }

    ensureBuilt(log);
    const javaHome = findJavaHome();
    if (await portTaken(HTTP_PORT)) {
      throw new Error(`opensearch: ${HOST}:${HTTP_PORT} is already in use by another process; not starting`);
    }

    for (const dir of [files.config, files.data, files.logs, files.tmp]) fs.mkdirSync(dir, { recursive: true });
    writeConfig(files);

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      OPENSEARCH_JAVA_HOME: javaHome,
      OPENSEARCH_PATH_CONF: files.config,
      OPENSEARCH_TMPDIR: files.tmp,
      OPENSEARCH_JAVA_OPTS: [jvmOptsForUser(), process.env.OPENSEARCH_JAVA_OPTS ?? ""].join(" ").trim(),
    };
    delete env.JAVA_TOOL_OPTIONS; // bin/opensearch ignores it with a warning anyway

    log(`opensearch: starting ${VERSION} (java ${javaHome}), log ${files.log}`);
    const out = fs.openSync(files.log, "w");
    const started = performance.now();
    // bin/opensearch execs java, so the pid is the JVM's; detached makes it a process-group leader.
    const child = spawn("bash", [LAUNCHER], { cwd: DIST, env, detached: true, stdio: ["ignore", out, out] });
    fs.closeSync(out);
    let exited: string | undefined;
    child.on("exit", (code, signal) => (exited = `exited with ${signal ?? code}`));
    child.on("error", (error) => (exited = `failed to spawn: ${error.message}`));
    if (child.pid === undefined) throw new Error(`opensearch: could not spawn ${LAUNCHER}`);
    fs.writeFileSync(files.pid, `${child.pid}\n`);
    child.unref();

    try {
      await waitReady(() => exited, files.log, Date.now() + READY_TIMEOUT_MS);
    } catch (error) {
      await opensearchServer.stop({ stateDir });
      throw error;
    }
    const readyMs = Math.round(performance.now() - started);
    log(`opensearch: ready at ${URL} in ${readyMs} ms (pid ${child.pid})`);
    return { readyMs };
  },

  async stop({ stateDir }) {
    const files = stateFiles(stateDir);
    const pid = ourPid(stateDir);
    if (pid !== undefined) {
      signal(pid, "SIGTERM"); // OpenSearch's shutdown hook closes the node cleanly
      if (!(await waitForExit(pid, STOP_GRACE_MS))) {
        signal(pid, "SIGKILL");
        if (!(await waitForExit(pid, 10_000))) throw new Error(`opensearch: pid ${pid} survived SIGKILL`);
      }
    }
    fs.rmSync(files.pid, { force: true });
  },

  async running({ stateDir }) {
    return ourPid(stateDir) !== undefined;
  },
};

function stateFiles(stateDir: string) {
  const root = path.resolve(stateDir);
  return {
    config: path.join(root, "config"),
    data: path.join(root, "data"),
    logs: path.join(root, "logs"),
    tmp: path.join(root, "tmp"),
    log: path.join(root, "opensearch.log"),
    pid: path.join(root, "opensearch.pid"),
  };
}

function readVersion(): string {
  const match = /<opensearch\.version>([^<]+)<\/opensearch\.version>/.exec(fs.readFileSync(POM, "utf8"));
  if (!match?.[1]) throw new Error(`opensearch: no <opensearch.version> in ${POM}`);
  return match[1];
}

// ---------------------------------------------------------------------------------------------------
// Build: `mvn package` when the assembled distribution is missing or its inputs changed.

function buildInputsHash(): string {
  const hash = createHash("sha256");
  const add = (file: string) => hash.update(path.relative(HERE, file)).update("\0").update(fs.readFileSync(file));
  add(POM);
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else add(full);
    }
  };
  walk(MODULE_FILES);
  return hash.digest("hex");
}

function ensureBuilt(log: Log): void {
  const inputs = buildInputsHash();
  const built = fs.existsSync(STAMP) ? fs.readFileSync(STAMP, "utf8").trim() : "";
  if (built === inputs && fs.existsSync(LAUNCHER)) return;

  log(`opensearch: assembling the ${VERSION} distribution with Maven (a first run downloads about 80 MB)`);
  const started = performance.now();
  fs.rmSync(TARGET, { recursive: true, force: true }); // also drops the dependency plugin's "already unpacked" markers
  const result = spawnSync("mvn", ["-B", "-q", "-Dstyle.color=never", "package"], {
    cwd: HERE,
    encoding: "utf8",
    env: process.env,
  });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim();
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : `exit ${result.status}`;
    throw new Error(`opensearch: mvn package failed (${why}) in ${HERE}\n${output.split("\n").slice(-40).join("\n")}`);
  }
  if (!fs.existsSync(LAUNCHER)) throw new Error(`opensearch: mvn package did not produce ${LAUNCHER}`);
  fs.writeFileSync(STAMP, `${inputs}\n`);
  log(`opensearch: assembled in ${Math.round(performance.now() - started)} ms`);
}

// ---------------------------------------------------------------------------------------------------
// Java: OpenSearch 2.19 runs on Java 11 to 23. 24+ removed the security manager it installs.

function javaMajor(home: string): number | undefined {
  try {
    const release = fs.readFileSync(path.join(home, "release"), "utf8");
    const version = /^JAVA_VERSION="([^"]+)"/m.exec(release)?.[1];
    if (!version || !fs.existsSync(path.join(home, "bin", "java"))) return undefined;
    const parts = version.split(".");
    return Number(parts[0] === "1" ? parts[1] : parts[0]);
  } catch {
    return undefined;
  }
}

function findJavaHome(): string {
  const candidates: string[] = [];
  for (const name of ["OPENSEARCH_JAVA_HOME", "JAVA_HOME"]) {
    const value = process.env[name];
    if (value) candidates.push(value);
  }
  const which = spawnSync("bash", ["-c", "command -v java"], { encoding: "utf8" }).stdout?.trim();
  if (which) candidates.push(path.dirname(path.dirname(fs.realpathSync(which))));
  const jvmDir = "/usr/lib/jvm";
  if (fs.existsSync(jvmDir)) {
    for (const name of fs.readdirSync(jvmDir).sort()) candidates.push(path.join(jvmDir, name));
  }
  const fits = candidates.find((home) => {
    const major = javaMajor(home);
    return major !== undefined && major >= 11 && major <= 23;
  });
  if (!fits) {
    throw new Error(
      `opensearch: needs a JDK 11..23 (17 or 21 preferred); set OPENSEARCH_JAVA_HOME. Looked at: ${candidates.join(", ")}`,
    );
  }
  return fits;
}

/**
 * The distribution refuses to run as root, and the check needs JNA's native library. CI runs as root,
 * so there the node starts with JNA's native part switched off: the root check, mlockall, the seccomp
 * filter and rlimit probes are skipped (with warnings in the log). None of these matter for a node bound
 * to the loopback address; as any other user the node starts exactly as shipped.
 */
function jvmOptsForUser(): string {
  return process.getuid?.() === 0 ? "-Djna.nosys=true -Djna.noclasspath=true" : "";
}

// ---------------------------------------------------------------------------------------------------
// Config written into stateDir/config on every start (OPENSEARCH_PATH_CONF points there).

function writeConfig(files: ReturnType<typeof stateFiles>): void {
  const q = (value: string) => JSON.stringify(value); // a JSON string is a valid YAML scalar
  const yml = [
    `cluster.name: ${CLUSTER_NAME}`,
    "node.name: node-1",
    "discovery.type: single-node",
    `network.host: ${HOST}`,
    `http.port: ${HTTP_PORT}`,
    "transport.port: 9300-9399",
    `path.data: ${q(files.data)}`,
    `path.logs: ${q(files.logs)}`,
    // A nearly full CI disk must not flip test indices to read-only.
    "cluster.routing.allocation.disk.threshold_enabled: false",
    "",
  ];
  fs.writeFileSync(path.join(files.config, "opensearch.yml"), yml.join("\n"));

  // The distribution's jvm.options, with a small heap and no heap dumps or GC log files.
  const jvm = [
    `-Xms${HEAP}`,
    `-Xmx${HEAP}`,
    "11-:-XX:+UseG1GC",
    "11-:-XX:G1ReservePercent=25",
    "11-:-XX:InitiatingHeapOccupancyPercent=30",
    "-Djava.io.tmpdir=${OPENSEARCH_TMPDIR}",
    `-XX:ErrorFile=${path.join(files.logs, "hs_err_pid%p.log")}`,
    "9-:-Xlog:disable",
    "9-:-Xlog:all=warning:stderr",
    "18-:-Djava.security.manager=allow",
    "20-:--add-modules=jdk.incubator.vector",
    "-Djava.util.concurrent.ForkJoinPool.common.threadFactory=org.opensearch.secure_sm.SecuredForkJoinWorkerThreadFactory",
    "",
  ];
  fs.writeFileSync(path.join(files.config, "jvm.options"), jvm.join("\n"));

  // Console only: stdout/stderr go to stateDir/opensearch.log.
  const log4j = [
    "status = error",
    "appender.console.type = Console",
    "appender.console.name = console",
    "appender.console.layout.type = PatternLayout",
    "appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] [%node_name]%marker %m%n",
    "rootLogger.level = info",
    "rootLogger.appenderRef.console.ref = console",
    "",
  ];
  fs.writeFileSync(path.join(files.config, "log4j2.properties"), log4j.join("\n"));
}

// ---------------------------------------------------------------------------------------------------
// Processes and readiness.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function readPid(stateDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(stateFiles(stateDir).pid, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    // A zombie still answers kill(0); it has exited all the same.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true; // no /proc (macOS): trust kill(0)
  }
}

/** The pid from the pid file, if that process is alive and is this distribution (not a recycled pid). */
function ourPid(stateDir: string): number | undefined {
  const pid = readPid(stateDir);
  if (pid === undefined || !isAlive(pid)) return undefined;
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return cmdline.includes(DIST) ? pid : undefined;
  } catch {
    return fs.existsSync("/proc") ? undefined : pid;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(-pid, name); // the process group: also catches bin/opensearch's helper JVMs during startup
  } catch {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  return !isAlive(pid);
}

function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    socket.setTimeout(1000);
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("timeout", () => (socket.destroy(), resolve(false)));
    socket.once("error", () => resolve(false));
  });
}

function getJson(url: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, timeout: 5000 }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => {
        try {
          resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) });
        } catch {
          resolve({ status: response.statusCode ?? 0, body: text });
        }
      });
    });
    request.on("timeout", () => request.destroy(new Error("timeout")));
    request.on("error", reject);
  });
}

function logTail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

async function waitReady(exited: () => string | boolean | undefined, logFile: string, deadline: number) {
  const health = `${URL}/_cluster/health?wait_for_status=yellow&timeout=1s`;
  while (Date.now() < deadline) {
    const gone = exited();
    if (gone) {
      const why = typeof gone === "string" ? gone : "exited";
      throw new Error(
        `opensearch: the node ${why} before it was ready. Last lines of ${logFile}:\n${logTail(logFile)}`,
      );
    }
    try {
      const { status, body } = await getJson(health);
      if (status === 200 && body?.cluster_name === CLUSTER_NAME && body.timed_out === false) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(
    `opensearch: not ready within ${READY_TIMEOUT_MS} ms. Last lines of ${logFile}:\n${logTail(logFile)}`,
  );
}
