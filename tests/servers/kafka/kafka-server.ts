/**
 * A real Apache Kafka broker without Docker: Maven resolves the broker's jars
 * from Maven Central (tests/servers/kafka/pom.xml) into ~/.m2, and the broker
 * runs as one JVM in KRaft mode (a single node that is both broker and
 * controller) with its data, logs and pid file under the state directory.
 * `pnpm servers start kafka` uses it; see docs/events.md.
 */
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { processAlive, tail, type ServerOptions, type TestServer } from "../server";

const HOST = "127.0.0.1";
const PORT = 9092;
const CONTROLLER_PORT = 9093;
const BROKERS = `${HOST}:${PORT}`;
/** A cold JVM on a busy 2-core machine takes a while; a broker that needs longer than this is broken. */
const START_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 30_000;
/** Explicit heap: the JVM would otherwise take a quarter of the machine's memory. */
const JVM_OPTIONS = [
  "-Xms256m",
  "-Xmx512m",
  "-XX:+UseG1GC",
  "-XX:MaxGCPauseMillis=20",
  "-XX:+ExplicitGCInvokesConcurrent",
  "-XX:+ExitOnOutOfMemoryError",
  "-Djava.awt.headless=true",
];

const POM = path.join(__dirname, "pom.xml");
const LOG4J_CONFIG = path.join(__dirname, "log4j2.properties");

const files = (stateDir: string) => ({
  pid: path.join(stateDir, "kafka.pid"),
  /** The JVM's own stdout/stderr (crashes, a wrong Java version); the broker logs to logs/server.log. */
  out: path.join(stateDir, "kafka.out"),
  logs: path.join(stateDir, "logs"),
  serverLog: path.join(stateDir, "logs", "server.log"),
  data: path.join(stateDir, "data"),
  properties: path.join(stateDir, "server.properties"),
  classpath: path.join(stateDir, "classpath.txt"),
  classpathStamp: path.join(stateDir, "classpath.pom-sha256"),
  clusterId: path.join(stateDir, "cluster-id"),
});

function readPid(stateDir: string): number | undefined {
  const file = files(stateDir).pid;
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, "utf8").trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

const isRunning = (stateDir: string) => {
  const pid = readPid(stateDir);
  return pid !== undefined && processAlive(pid, "kafka.Kafka");
};

const javaBin = () => (process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, "bin", "java") : "java");

/** Runs a command to completion, keeping its output for the error message. */
function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", (error) =>
      reject(
        (error as NodeJS.ErrnoException).code === "ENOENT"
          ? new Error(`${command} is not installed (the Kafka test server needs Maven 3 and Java 17+)`)
          : error,
      ),
    );
    child.on("exit", (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(" ")} failed (${code ?? signal}):\n${output.trim().slice(-4000)}`)),
    );
  });
}

/**
 * The broker's classpath, from `mvn dependency:build-classpath`. Maven runs only
 * when there is no classpath yet, pom.xml changed since, or a jar it lists is
 * gone (a wiped ~/.m2); the first run on a fresh machine downloads ~66 MB.
 */
async function classpath(stateDir: string, log: (line: string) => void): Promise<string> {
  const { classpath: file, classpathStamp } = files(stateDir);
  const pomHash = createHash("sha256").update(readFileSync(POM)).digest("hex");
  if (existsSync(file) && existsSync(classpathStamp) && readFileSync(classpathStamp, "utf8") === pomHash) {
    const cached = readFileSync(file, "utf8").trim();
    if (cached && cached.split(path.delimiter).every((jar) => existsSync(jar))) return cached;
  }
  const started = Date.now();
  log("resolving the Kafka broker's jars with Maven (the first run downloads them into ~/.m2)");
  rmSync(classpathStamp, { force: true });
  await run(
    "mvn",
    ["-B", "-q", "-f", POM, "dependency:build-classpath", `-Dmdep.outputFile=${file}`, "-Dstyle.color=never"],
    stateDir,
  );
  writeFileSync(classpathStamp, pomHash);
  log(`classpath ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return readFileSync(file, "utf8").trim();
}

function serverProperties(dataDir: string): string {
  return `# written by tests/servers/kafka/kafka-server.ts on every start
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${HOST}:${CONTROLLER_PORT}
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://${HOST}:${PORT},CONTROLLER://${HOST}:${CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://${HOST}:${PORT}
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${dataDir}
# three partitions, so that order per key (aggregate) is really exercised
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# a lone consumer joins its group at once instead of after 3 s
group.initial.rebalance.delay.ms=0
log.retention.hours=24
`;
}

/** Kafka's cluster ids are 16 random bytes in URL-safe base64 without padding, never starting with "-". */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}

function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

/** True once the broker answers metadata and admin requests (registered, unfenced). */
async function answers(timeoutMs = 3000): Promise<boolean> {
  const kafka = new Kafka({
    clientId: "campus-servers",
    brokers: [BROKERS],
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(timeoutMs, 1000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    await admin.listTopics();
    return cluster.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const kafkaServer = {
  name: "kafka" as const,
  env: { KAFKA_BROKERS: BROKERS },

  async running({ stateDir }: Pick<ServerOptions, "stateDir">): Promise<boolean> {
    return isRunning(stateDir);
  },

  async start({ stateDir, log }: ServerOptions): Promise<{ readyMs: number }> {
    const paths = files(stateDir);
    mkdirSync(paths.logs, { recursive: true });
    if (isRunning(stateDir)) {
      if (await answers()) {
        log(`already running (pid ${readPid(stateDir)})`);
        return { readyMs: 0 };
      }
      throw new Error(`a broker is running (pid ${readPid(stateDir)}) but does not answer on ${BROKERS}`);
    }
    for (const port of [PORT, CONTROLLER_PORT]) {
      if (await portTaken(port)) {
        throw new Error(`${HOST}:${port} is already in use by another process (another Kafka?); stop it first`);
      }
    }

    const cp = await classpath(stateDir, log);
    writeFileSync(paths.properties, serverProperties(paths.data));
    const java = javaBin();
    const logging = [`-Dlog4j2.configurationFile=${LOG4J_CONFIG}`, `-Dkafka.logs.dir=${paths.logs}`];
    if (!existsSync(path.join(paths.data, "meta.properties"))) {
      if (!existsSync(paths.clusterId)) writeFileSync(paths.clusterId, clusterId());
      const id = readFileSync(paths.clusterId, "utf8").trim();
      log(`formatting the KRaft log directory (cluster id ${id})`);
      await run(
        java,
        [
          ...logging,
          "-Dkafka.log.name=format",
          "-cp",
          cp,
          "kafka.tools.StorageTool",
          "format",
          "-t",
          id,
          "-c",
          paths.properties,
        ],
        stateDir,
      );
    }

    const out = openSync(paths.out, "a");
    const launched = Date.now();
    const child = spawn(java, [...JVM_OPTIONS, ...logging, "-cp", cp, "kafka.Kafka", paths.properties], {
      cwd: stateDir,
      detached: true,
      stdio: ["ignore", out, out],
    });
    closeSync(out);
    let exited: string | undefined;
    child.once("exit", (code, signal) => (exited = `exited (${code ?? signal})`));
    child.once("error", (error) => (exited = `could not start: ${error.message}`));
    child.unref();
    if (child.pid === undefined) {
      await sleep(0);
      throw new Error(`kafka ${exited ?? "could not start"} (java: ${java})`);
    }
    writeFileSync(paths.pid, String(child.pid));
    log(`started the broker (pid ${child.pid}); waiting for it to answer on ${BROKERS}`);

    const failure = (why: string) =>
      new Error(
        `kafka ${why}\n--- ${paths.out} ---\n${tail(paths.out, 20)}\n--- ${paths.serverLog} ---\n${tail(paths.serverLog, 40)}`,
      );
    while (!(await answers())) {
      if (exited) {
        rmSync(paths.pid, { force: true });
        throw failure(exited);
      }
      if (Date.now() - launched > START_TIMEOUT_MS) {
        await this.stop({ stateDir });
        throw failure(`did not answer on ${BROKERS} within ${START_TIMEOUT_MS / 1000} s`);
      }
      await sleep(250);
    }
    return { readyMs: Date.now() - launched };
  },

  async stop({ stateDir }: Pick<ServerOptions, "stateDir">): Promise<void> {
    const pidFile = files(stateDir).pid;
    const pid = readPid(stateDir);
    if (pid === undefined || !processAlive(pid, "kafka.Kafka")) {
      rmSync(pidFile, { force: true });
      return;
    }
    const gone = async (ms: number) => {
      const deadline = Date.now() + ms;
      while (processAlive(pid, "kafka.Kafka")) {
        if (Date.now() > deadline) return false;
        await sleep(100);
      }
      return true;
    };
    process.kill(pid, "SIGTERM");
    if (!(await gone(STOP_GRACE_MS))) {
      process.kill(pid, "SIGKILL");
      await gone(10_000);
    }
    rmSync(pidFile, { force: true });
  },
} satisfies TestServer;
