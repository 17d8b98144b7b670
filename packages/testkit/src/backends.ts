import { randomBytes } from "node:crypto";
import pg from "pg";
import { RedisStore, type SharedStore } from "@campus/kv";
import { databaseUrlSetting, SUBGRAPHS } from "@campus/subgraph";
import { deleteKafkaPrefix, kafkaBrokers, kafkaTestPrefix } from "./kafka";

/**
 * Where e2e tests run: always on the embedded defaults (PGlite, in-process
 * store, the embedded event log); also on real PostgreSQL + Redis when
 * TEST_POSTGRES_URL and TEST_REDIS_URL are set. In CI both must be set: a
 * missing service there is a failure, not a skip. When KAFKA_BROKERS is set
 * too (`pnpm servers start kafka`), that second backend carries its events
 * over Kafka instead of the event log table, under a topic and group prefix
 * of its own per boot (EVENTS_TOPIC_PREFIX), deleted again on release.
 */
export interface Backend {
  name: "embedded" | "postgres+redis" | "postgres+redis+kafka";
  /** Creates isolated storage for one Campus boot. */
  provision(): Promise<{
    env: Record<string, string>;
    store?: SharedStore;
    /** The store's key prefix, for a second process (a child the test kills) to open the same store. */
    storePrefix?: string;
    release(): Promise<void>;
  }>;
}

const embedded: Backend = {
  name: "embedded",
  provision: async () => ({ env: {}, release: async () => undefined }),
};

function postgresAndRedis(postgresUrl: string, redisUrl: string, brokers?: string[]): Backend {
  return {
    name: brokers ? "postgres+redis+kafka" : "postgres+redis",
    async provision() {
      const name = `campus_test_${randomBytes(6).toString("hex")}`;
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(postgresUrl);
      url.pathname = `/${name}`;
      const storePrefix = `test:${name}:`;
      const store = new RedisStore(redisUrl, storePrefix);
      const topicPrefix = brokers ? kafkaTestPrefix("e2e") : undefined;
      return {
        // one database per boot; each subgraph keeps to its own schema inside it
        env: {
          ...Object.fromEntries(SUBGRAPHS.map((entry) => [databaseUrlSetting(entry.name), url.toString()])),
          ...(brokers && topicPrefix
            ? { KAFKA_BROKERS: brokers.join(","), EVENTS_TOPIC_PREFIX: topicPrefix }
            : { EVENTS_DATABASE_URL: url.toString() }),
          REDIS_URL: redisUrl,
        },
        store,
        storePrefix,
        async release() {
          await store.close();
          if (brokers && topicPrefix) await deleteKafkaPrefix(brokers, topicPrefix);
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
  if (postgresUrl && redisUrl) return [embedded, postgresAndRedis(postgresUrl, redisUrl, kafkaBrokers())];
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
