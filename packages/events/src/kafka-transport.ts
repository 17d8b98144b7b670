import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { PassThrough } from "node:stream";
import type { Logger } from "@campus/logging";
import {
  Kafka,
  logLevel,
  Partitioners,
  type Admin,
  type Consumer,
  type IHeaders,
  type LogEntry,
  type Producer,
} from "kafkajs";
import type { CampusEvent } from "./envelope";
import type { Delivery, EventTransport, OutgoingEvent, Subscription, SubscriptionOptions } from "./transport";

export interface KafkaTransportOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /**
   * Put in front of every topic and consumer group name (EVENTS_TOPIC_PREFIX),
   * so that several deployments or test runs can share one cluster without
   * reading each other's events or moving each other's offsets. Handlers and
   * dead letters see the topic without it.
   */
  topicPrefix?: string;
  /** Partitions of the topics this transport creates; unset: the broker's num.partitions. */
  partitions?: number;
  /**
   * A consumer that stops heartbeating for this long leaves its group and its
   * partitions move to the others; also how long a restarted consumer can wait
   * for the group to let go of a killed one.
   */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** How long the group waits for members to rejoin during a rebalance. */
  rebalanceTimeoutMs?: number;
  /** How long an idle fetch waits at the broker; it also bounds how long stopping a consumer takes. */
  maxWaitTimeMs?: number;
}

const CE_ATTRIBUTES = ["id", "source", "type", "specversion", "time", "subject", "traceparent"] as const;

/**
 * CloudEvents Kafka protocol binding, binary content mode: attributes travel
 * as `ce_*` headers, `data` is the message value, and the key is the subject
 * (aggregate id) so one aggregate's events land in one partition, in order.
 */
export function toKafkaMessage(event: CampusEvent): { key: string; value: string; headers: Record<string, string> } {
  const headers: Record<string, string> = { "content-type": event.datacontenttype };
  for (const attribute of CE_ATTRIBUTES) {
    const value = event[attribute];
    if (value !== undefined) headers[`ce_${attribute}`] = String(value);
  }
  return { key: event.subject, value: JSON.stringify(event.data), headers };
}

export function fromKafkaMessage(headers: IHeaders | undefined, value: Buffer | null): unknown {
  const header = (name: string) => {
    const raw = headers?.[name];
    const first = Array.isArray(raw) ? raw[0] : raw;
    return first === undefined ? undefined : first.toString();
  };
  const event: Record<string, unknown> = { datacontenttype: header("content-type") ?? "application/json" };
  for (const attribute of CE_ATTRIBUTES) {
    const found = header(`ce_${attribute}`);
    if (found !== undefined) event[attribute] = found;
  }
  try {
    event.data = value ? JSON.parse(value.toString()) : null;
  } catch {
    event.data = value?.toString() ?? null;
  }
  return event;
}

/** kafkajs logs through the service's logger; its per-request errors are retried, so they are warnings. */
function kafkaLogCreator(logger: Logger) {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, ...extra } = log;
      const entry = { kafkajs: namespace, ...extra };
      if (level === logLevel.ERROR && !message.startsWith("[Connection] Response")) logger.error(entry, message);
      else if (level <= logLevel.WARN) logger.warn(entry, message);
      else if (level === logLevel.INFO) logger.debug(entry, message);
      else logger.trace(entry, message);
    };
}

/**
 * The production transport. The producer is idempotent (exactly one copy per
 * send, in order, across broker retries); consumers are Kafka consumer groups
 * that commit an offset only after the handler resolved.
 *
 * Topics are created up front (admin, waiting for their leaders) before the
 * first publish or subscribe: a consumer that subscribed to a topic nobody had
 * created yet failed on a fresh broker ("This server does not host this
 * topic-partition") instead of waiting for its first event.
 */
export class KafkaTransport implements EventTransport {
  readonly kind = "kafka" as const;
  private readonly kafka: Kafka;
  private readonly prefix: string;
  private producer?: Promise<Producer>;
  private admin?: Promise<Admin>;
  private readonly consumers = new Set<Consumer>();
  /** Topics (with prefix) known to exist, or being created. */
  private readonly topics = new Map<string, Promise<void>>();
  private closed = false;

  constructor(private readonly options: KafkaTransportOptions) {
    this.prefix = options.topicPrefix ?? "";
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.WARN,
      logCreator: kafkaLogCreator(options.logger),
    });
  }

  private connectedProducer(): Promise<Producer> {
    this.producer ??= (async () => {
      // DefaultPartitioner is murmur2 on the key, as in the Java client: one subject, one partition, whichever client sent it
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: true,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      return producer;
    })().catch((error: unknown) => {
      this.producer = undefined;
      throw error;
    });
    return this.producer;
  }

  /** One admin client for topic creation and lag, connected on first use. */
  private connectedAdmin(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })().catch((error: unknown) => {
      this.admin = undefined;
      throw error;
    });
    return this.admin;
  }

  /** Creates the topics that do not exist yet and waits for their leaders; once per topic and transport. */
  private async ensureTopics(topics: string[]): Promise<void> {
    const missing = [...new Set(topics)].filter((topic) => !this.topics.has(topic));
    if (missing.length > 0) {
      const created = (async () => {
        const admin = await this.connectedAdmin();
        const existing = new Set(await admin.listTopics());
        const absent = missing.filter((topic) => !existing.has(topic));
        if (absent.length === 0) return;
        // false when another process created them first: fine either way
        await admin.createTopics({
          waitForLeaders: true,
          topics: absent.map((topic) => ({ topic, numPartitions: this.options.partitions ?? -1 })),
        });
      })();
      // Creating topics is a convenience: where the cluster manages its topics and
      // the client may not create them, go on and let the broker decide.
      const settled = created.catch((error: unknown) => {
        for (const topic of missing) if (this.topics.get(topic) === settled) this.topics.delete(topic);
        this.options.logger.warn({ err: error, topics: missing }, "could not create Kafka topics; going on");
      });
      for (const topic of missing) this.topics.set(topic, settled);
    }
    await Promise.all(topics.map((topic) => this.topics.get(topic)));
  }

  private topicName = (topic: string) => `${this.prefix}${topic}`;

  async publish(events: OutgoingEvent[]): Promise<void> {
    if (events.length === 0) return;
    const byTopic = new Map<string, ReturnType<typeof toKafkaMessage>[]>();
    for (const { topic, event } of events) {
      const name = this.topicName(topic);
      const messages = byTopic.get(name) ?? [];
      messages.push(toKafkaMessage(event));
      byTopic.set(name, messages);
    }
    await this.ensureTopics([...byTopic.keys()]);
    const producer = await this.connectedProducer();
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }

  async subscribe(options: SubscriptionOptions): Promise<Subscription> {
    if (this.closed) throw new Error("the Kafka transport is closed");
    const topics = options.topics.map(this.topicName);
    const groupId = this.topicName(options.group);
    await this.ensureTopics(topics);
    const heartbeatInterval = this.options.heartbeatIntervalMs ?? 1000;
    const consumer = this.kafka.consumer({
      groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval,
      rebalanceTimeout: this.options.rebalanceTimeoutMs ?? 30_000,
      maxWaitTimeInMs: this.options.maxWaitTimeMs ?? 500,
      allowAutoTopicCreation: false,
    });
    this.consumers.add(consumer);
    try {
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: true });
      // eachMessage runs one message at a time per partition; offsets are committed after the handler resolved.
      await consumer.run({
        eachMessage: async ({ topic, message, heartbeat }) => {
          // a handler that retries for longer than the session must not lose the group's partitions meanwhile
          const beat = setInterval(() => void heartbeat().catch(() => undefined), heartbeatInterval);
          try {
            await options.handle({
              topic: topic.slice(this.prefix.length),
              event: fromKafkaMessage(message.headers, message.value),
            });
          } finally {
            clearInterval(beat);
          }
        },
      });
    } catch (error) {
      this.consumers.delete(consumer);
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    return {
      stop: async () => {
        if (!this.consumers.delete(consumer)) return;
        await consumer.disconnect();
      },
      lag: () => this.lag(groupId, topics),
    };
  }

  /**
   * Reads the topics from their oldest retained message to the high
   * watermarks of when it is called, with a consumer group of its own that
   * commits nothing and is deleted afterwards. A batch is fetched only once
   * the reader took the one before (a stream of one batch), so a long
   * history never piles up in memory.
   */
  async *history(topics: string[]): AsyncGenerator<Delivery[]> {
    const names = topics.map(this.topicName);
    await this.ensureTopics(names);
    const admin = await this.connectedAdmin();
    const ends = new Map<string, number>();
    for (const name of names) {
      for (const partition of await admin.fetchTopicOffsets(name)) {
        if (Number(partition.high) > Number(partition.low))
          ends.set(`${name}:${partition.partition}`, Number(partition.high));
      }
    }
    if (ends.size === 0) return;
    const groupId = this.topicName(`history.${randomUUID()}`);
    const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 100 });
    const batches = new PassThrough({ objectMode: true, highWaterMark: 1 });
    consumer.on(consumer.events.CRASH, ({ payload }) => batches.destroy(payload.error));
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: names, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const key = `${batch.topic}:${batch.partition}`;
          const end = ends.get(key);
          if (end === undefined || batches.writableEnded || batches.destroyed) return;
          const deliveries = batch.messages
            .filter((message) => Number(message.offset) < end)
            .map((message) => ({
              topic: batch.topic.slice(this.prefix.length),
              event: fromKafkaMessage(message.headers, message.value),
            }));
          // wait for the reader; a reader that left (stream closed) releases the batch too
          if (deliveries.length > 0 && !batches.write(deliveries)) {
            await Promise.race([once(batches, "drain"), once(batches, "close")]).catch(() => undefined);
          }
          if (Number(batch.lastOffset()) + 1 >= end) {
            ends.delete(key);
            if (ends.size === 0) batches.end();
          }
        },
      });
      for await (const deliveries of batches) yield deliveries as Delivery[];
    } finally {
      batches.destroy();
      await consumer.disconnect().catch(() => undefined);
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
  }

  /** Messages in the group's topics past its committed offsets (from the start of the log where it committed none). */
  private async lag(groupId: string, topics: string[]): Promise<number> {
    const admin = await this.connectedAdmin();
    const [committed, ...latest] = await Promise.all([
      admin.fetchOffsets({ groupId, topics }),
      ...topics.map((topic) => admin.fetchTopicOffsets(topic)),
    ]);
    let lag = 0;
    topics.forEach((topic, i) => {
      const done = new Map(
        committed.find((t) => t.topic === topic)?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? [],
      );
      for (const partition of latest[i]!) {
        const offset = done.get(partition.partition) ?? -1;
        lag += Math.max(0, Number(partition.high) - (offset >= 0 ? offset : Number(partition.low)));
      }
    });
    return lag;
  }

  async close(): Promise<void> {
    this.closed = true;
    const consumers = [...this.consumers];
    this.consumers.clear();
    await Promise.all(consumers.map((consumer) => consumer.disconnect()));
    const [producer, admin] = [this.producer, this.admin];
    this.producer = undefined;
    this.admin = undefined;
    await Promise.all([
      producer?.then((p) => p.disconnect()).catch(() => undefined),
      admin?.then((a) => a.disconnect()).catch(() => undefined),
    ]);
  }
}
