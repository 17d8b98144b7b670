import { fork } from "node:child_process";
import path from "node:path";
import { startCampus } from "@campus/embedded";
import { RedisStore } from "@campus/kv";
import { post, type GraphQLResult } from "@campus/testkit";

/** A Campus in a child process: what a test kills with SIGKILL and starts again on the same storage. */
export interface CampusProcess {
  routerUrl: string;
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResult<T>>;
  /** SIGKILL: no shutdown hook runs, in-flight work is cut wherever it is. */
  kill(): Promise<void>;
}

/**
 * Forks this file with `env` as the whole environment (storage on PostgreSQL
 * and Redis: PGlite lives inside the process and dies with it). The child
 * opens the Redis store under CAMPUS_STORE_PREFIX, as the parent's backend did.
 */
export function forkCampus(env: Record<string, string>): Promise<CampusProcess> {
  const child = fork(__filename, [], {
    execArgv: ["-r", "@swc-node/register"],
    // swc-node reads the tsconfig of the working directory: the tests' one compiles the decorators
    cwd: path.join(__dirname, ".."),
    env: { ...env, PATH: process.env.PATH ?? "", NODE_OPTIONS: "" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`Campus process exited (${code}) before it started`)));
    child.once("message", (message: { routerUrl: string }) =>
      resolve({
        routerUrl: message.routerUrl,
        gql: (query, variables, token) =>
          post(message.routerUrl, query, variables, token ? { authorization: `Bearer ${token}` } : {}),
        async kill() {
          child.kill("SIGKILL");
          await exited;
        },
      }),
    );
  });
}

async function runChild(): Promise<void> {
  const redisUrl = process.env.REDIS_URL;
  const store = redisUrl ? new RedisStore(redisUrl, { prefix: process.env.CAMPUS_STORE_PREFIX }) : undefined;
  const campus = await startCampus({ env: process.env, ports: "free", ...(store ? { store } : {}) });
  process.send!({ routerUrl: campus.routerUrl });
}

if (require.main === module) void runChild();
