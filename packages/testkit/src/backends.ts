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
 * too (`pnpm servers start kafka`) and the file asks for it (`kafka: true`:
 * the files that drive events through every consumer group), that second
 * backend carries its events over Kafka instead of the event log table, under
 * a topic and group prefix of its own per boot (EVENTS_TOPIC_PREFIX), deleted
 * again on release; with
 * OPENSEARCH_URL (`pnpm servers start opensearch`), search's index is on
 * OpenSearch, under an alias of its own per boot, deleted on release.
 */
export interface Backend {
  /** "postgres+redis", with "+kafka" and "+opensearch" when those servers are configured. */
  name: "embedded" | `postgres+redis${"" | "+kafka"}${"" | "+opensearch"}`;
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

/**
 * A database of its own on the PostgreSQL of `serverUrl` (a role with
 * CREATEDB), for one test run: its URL, and `drop` to remove it again.
 */
export async function scratchDatabase(
  serverUrl: string,
  prefix = "campus_test",
): Promise<{
  name: string;
  url: string;
  drop(): Promise<void>;
}> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const run = async (sql: string) => {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      await admin.query(sql);
    } finally {
      await admin.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

function postgresAndRedis(postgresUrl: string, redisUrl: string, brokers?: string[], opensearchUrl?: string): Backend {
  return {
    name: `postgres+redis${brokers ? "+kafka" : ""}${opensearchUrl ? "+opensearch" : ""}` as Backend["name"],
    async provision() {
      const database = await scratchDatabase(postgresUrl);
      const { name, url } = database;
      const storePrefix = `test:${name}:`;
      const store = new RedisStore(redisUrl, storePrefix);
      const topicPrefix = brokers ? kafkaTestPrefix("e2e") : undefined;
      const indexPrefix = opensearchUrl ? `campus-courses-e2e-${randomBytes(5).toString("hex")}` : undefined;
      return {
        // one database per boot; each subgraph keeps to its own schema inside it
        env: {
          ...Object.fromEntries(SUBGRAPHS.map((entry) => [databaseUrlSetting(entry.name), url.toString()])),
          ...(brokers && topicPrefix
            ? { KAFKA_BROKERS: brokers.join(","), EVENTS_TOPIC_PREFIX: topicPrefix }
            : { EVENTS_DATABASE_URL: url.toString() }),
          REDIS_URL: redisUrl,
          ...(opensearchUrl && indexPrefix
            ? { OPENSEARCH_URL: opensearchUrl, OPENSEARCH_INDEX_PREFIX: indexPrefix }
            : {}),
        },
        store,
        storePrefix,
        async release() {
          await store.close();
          if (brokers && topicPrefix) await deleteKafkaPrefix(brokers, topicPrefix);
          // the boot's course indexes (their alias goes with them)
          if (opensearchUrl && indexPrefix) await fetch(`${opensearchUrl}/${indexPrefix}-*`, { method: "DELETE" });
          await database.drop();
        },
      };
    },
  };
}

/**
 * The backends to run on. `kafka: true` carries the second one's events over
 * Kafka when KAFKA_BROKERS is set (a Kafka round trip per event makes every
 * settle slower, so only the files about events ask); `opensearch: false`
 * leaves OpenSearch out even when it is configured (a bench comparing the
 * embedded engine with the real one on the same database).
 */
export function backends(options: { kafka?: boolean; opensearch?: boolean } = {}): Backend[] {
  const postgresUrl = process.env.TEST_POSTGRES_URL;
  const redisUrl = process.env.TEST_REDIS_URL;
  if (postgresUrl && redisUrl) {
    const brokers = options.kafka ? kafkaBrokers() : undefined;
    const opensearchUrl = options.opensearch === false ? undefined : process.env.OPENSEARCH_URL || undefined;
    return [embedded, postgresAndRedis(postgresUrl, redisUrl, brokers, opensearchUrl)];
  }
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
