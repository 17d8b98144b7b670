import { randomBytes } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";

/**
 * Tests that run on Kafka share one broker (`pnpm servers start kafka`) with
 * every other test run on the machine, and a broker keeps topics, messages and
 * consumer group offsets after a run ends. Each boot or suite therefore gets a
 * prefix of its own for topics and consumer groups (EVENTS_TOPIC_PREFIX), and
 * deletes what it created under that prefix when it is done.
 */

/** The brokers from KAFKA_BROKERS, or undefined when it is unset. */
export function kafkaBrokers(): string[] | undefined {
  const brokers = (process.env.KAFKA_BROKERS ?? "")
    .split(",")
    .map((broker) => broker.trim())
    .filter(Boolean);
  return brokers.length > 0 ? brokers : undefined;
}

/** A topic and group prefix no other run uses, e.g. `test.e2e.3f9a1c2b.`. */
export function kafkaTestPrefix(label: string): string {
  return `test.${label}.${randomBytes(4).toString("hex")}.`;
}

/**
 * Deletes the consumer groups and topics whose names start with `prefix`.
 * Best effort: a broker that is gone or slow leaves some behind, and a test
 * must not fail over its cleanup. Call it after the consumers stopped (a group
 * with members cannot be deleted).
 */
export async function deleteKafkaPrefix(brokers: string[], prefix: string): Promise<void> {
  if (!prefix) throw new Error("deleteKafkaPrefix needs a prefix: it would delete every topic");
  const admin = new Kafka({
    clientId: "campus-testkit",
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  }).admin();
  try {
    await admin.connect();
    const { groups } = await admin.listGroups();
    const groupIds = groups.map((group) => group.groupId).filter((id) => id.startsWith(prefix));
    if (groupIds.length > 0) await admin.deleteGroups(groupIds).catch(() => undefined);
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
  } catch {
    // best effort, see above
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
