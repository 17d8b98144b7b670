import type { Logger } from "@campus/logging";
import { Kafka, logLevel, type Consumer, type IHeaders, type Producer } from "kafkajs";
import type { CampusEvent } from "./envelope";
import type { EventTransport, OutgoingEvent, Subscription, SubscriptionOptions } from "./transport";

export interface KafkaTransportOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
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

/**
 * The production transport. The producer is idempotent (exactly one copy per
 * send, in order, across broker retries); consumers are Kafka consumer groups
 * that commit an offset only after the handler resolved.
 */
export class KafkaTransport implements EventTransport {
  readonly kind = "kafka" as const;
  private readonly kafka: Kafka;
  private producer?: Producer;
  private readonly consumers = new Set<Consumer>();

  constructor(private readonly options: KafkaTransportOptions) {
    this.kafka = new Kafka({ clientId: options.clientId, brokers: options.brokers, logLevel: logLevel.WARN });
  }

  private async connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }

  async publish(events: OutgoingEvent[]): Promise<void> {
    if (events.length === 0) return;
    const byTopic = new Map<string, ReturnType<typeof toKafkaMessage>[]>();
    for (const { topic, event } of events) {
      const messages = byTopic.get(topic) ?? [];
      messages.push(toKafkaMessage(event));
      byTopic.set(topic, messages);
    }
    const producer = await this.connectedProducer();
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }

  async subscribe(options: SubscriptionOptions): Promise<Subscription> {
    const consumer = this.kafka.consumer({ groupId: options.group });
    await consumer.connect();
    for (const topic of options.topics) await consumer.subscribe({ topic, fromBeginning: true });
    // eachMessage runs one message at a time per partition and commits after it resolves.
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        await options.handle({ topic, event: fromKafkaMessage(message.headers, message.value) });
      },
    });
    this.consumers.add(consumer);
    const admin = this.kafka.admin();
    return {
      stop: async () => {
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
      lag: async () => {
        await admin.connect();
        try {
          let lag = 0;
          for (const topic of options.topics) {
            const [latest, committed] = await Promise.all([
              admin.fetchTopicOffsets(topic),
              admin.fetchOffsets({ groupId: options.group, topics: [topic] }),
            ]);
            const committedByPartition = new Map(
              committed.flatMap((t) => t.partitions).map((p) => [p.partition, Number(p.offset)]),
            );
            for (const partition of latest) {
              const done = Math.max(0, committedByPartition.get(partition.partition) ?? 0);
              lag += Math.max(0, Number(partition.high) - done);
            }
          }
          return lag;
        } finally {
          await admin.disconnect();
        }
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.disconnect()));
    this.consumers.clear();
    await this.producer?.disconnect();
    this.producer = undefined;
  }
}
