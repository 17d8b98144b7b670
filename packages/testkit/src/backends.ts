import { randomBytes } from "node:crypto";
import pg from "pg";
import { RedisStore, type SharedStore } from "@campus/kv";

/**
 * Where e2e tests run: always on the embedded defaults (PGlite, in-process
 * store); also on real PostgreSQL + Redis when TEST_POSTGRES_URL and
 * TEST_REDIS_URL are set. In CI both must be set: a missing service there
 * is a failure, not a skip.
 */
export interface Backend {
  name: "embedded" | "postgres+redis";
  /** Creates isolated storage for one Campus boot. */
  provision(): Promise<{ env: Record<string, string>; store?: SharedStore; release(): Promise<void> }>;
}

const embedded: Backend = {
  name: "embedded",
  provision: async () => ({ env: {}, release: async () => undefined }),
};

function postgresAndRedis(postgresUrl: string, redisUrl: string): Backend {
  return {
    name: "postgres+redis",
    async provision() {
      const name = `campus_test_${randomBytes(6).toString("hex")}`;
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(postgresUrl);
      url.pathname = `/${name}`;
      const store = new RedisStore(redisUrl, `test:${name}:`);
      return {
        // one database per boot; each subgraph keeps to its own schema inside it
        env: {
          IDENTITY_DATABASE_URL: url.toString(),
          CATALOG_DATABASE_URL: url.toString(),
          ENROLLMENT_DATABASE_URL: url.toString(),
          EVENTS_DATABASE_URL: url.toString(),
          REDIS_URL: redisUrl,
        },
        store,
        async release() {
          await store.close();
          const cleanup = new pg.Client({ connectionString: postgresUrl });
          await cleanup.connect();
          await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await cleanup.end();
        },
      };
    },
  };
}

export function backends(): Backend[] {
  const postgresUrl = process.env.TEST_POSTGRES_URL;
  const redisUrl = process.env.TEST_REDIS_URL;
  if (postgresUrl && redisUrl) return [embedded, postgresAndRedis(postgresUrl, redisUrl)];
  if (process.env.CI === "true") {
    throw new Error(
      "CI must set TEST_POSTGRES_URL and TEST_REDIS_URL: the suite runs on real PostgreSQL and Redis there",
    );
  }
  return [embedded];
}

/** For adapter contract tests: the Redis URL, or the reason there is none. */
export function redisUrlOrSkipReason(): { url?: string; reason?: string } {
  const url = process.env.TEST_REDIS_URL;
  if (url) return { url };
  if (process.env.CI === "true") throw new Error("CI must set TEST_REDIS_URL");
  return { reason: "TEST_REDIS_URL is not set; Redis contract tests skipped (the CI run sets it)" };
}
