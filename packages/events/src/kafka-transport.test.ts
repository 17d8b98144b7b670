import { randomUUID } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import { createLogger } from "@campus/logging";
import { courseUpdated, parseEvent, userRegistered } from "./index";
import { envelope } from "./envelope";
import { fromKafkaMessage, KafkaTransport, toKafkaMessage } from "./kafka-transport";

/**
 * The CloudEvents Kafka binding is plain mapping code, so it is checked here
 * without a broker; the transport itself runs in tests/contract/event-transport
 * when KAFKA_BROKERS is set.
 */
const asReceived = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Buffer.from(value)]));

describe("CloudEvents Kafka binding (binary mode)", () => {
  const userId = randomUUID();
  const event = envelope(userRegistered.type, "/campus/identity", userId, {
    userId,
    email: "ada@example.com",
    name: "Ada",
    roles: ["LEARNER"],
  });

  it("keys the message by subject and carries attributes as ce_* headers and data as the value", () => {
    const message = toKafkaMessage(event);
    expect(message.key).toBe(userId);
    expect(message.headers).toMatchObject({
      "content-type": "application/json",
      ce_id: event.id,
      ce_source: "/campus/identity",
      ce_type: "campus.user.registered.v1",
      ce_specversion: "1.0",
      ce_subject: userId,
      ce_time: event.time,
      ce_traceparent: event.traceparent,
    });
    expect(JSON.parse(message.value)).toEqual(event.data);
  });

  it("reads back, from the Buffers kafkajs delivers, the event that was sent", () => {
    const message = toKafkaMessage(event);
    const received = fromKafkaMessage(asReceived(message.headers), Buffer.from(message.value));
    expect(parseEvent(received)).toEqual(event);
  });

  it("hands a message that is not a Campus event to the consumer as malformed, not as a crash", () => {
    const received = fromKafkaMessage(asReceived({ ce_type: "campus.user.registered.v1" }), Buffer.from("{not json"));
    expect(received).toMatchObject({ data: "{not json" });
    expect(() => parseEvent(received)).toThrow(/not a Campus CloudEvent/);
    expect(() => parseEvent(fromKafkaMessage(undefined, null))).toThrow(/not a Campus CloudEvent/);
  });
});

/**
 * The transport against a real broker (`pnpm servers start kafka`, then
 * KAFKA_BROKERS=127.0.0.1:9092): what the shared contract suite does not
 * look at. Each test works under a topic prefix of its own, deleted after.
 */
const brokers = process.env.KAFKA_BROKERS?.split(",").filter(Boolean);
if (!brokers?.length) {
  process.stdout.write(
    "[kafka transport] KAFKA_BROKERS is not set; broker tests skipped (`pnpm servers start kafka` starts a broker)\n",
  );
}

(brokers?.length ? describe : describe.skip)("KafkaTransport on a broker", () => {
  const logger = createLogger("kafka-transport-test", "silent");
  const prefixes: string[] = [];
  const transports: KafkaTransport[] = [];
  const open = (prefix = `test.transport.${randomUUID().slice(0, 8)}.`) => {
    prefixes.push(prefix);
    const transport = new KafkaTransport({
      brokers: brokers!,
      clientId: "transport-test",
      logger,
      topicPrefix: prefix,
    });
    transports.push(transport);
    return transport;
  };
  const course = (revision: number) => {
    const id = randomUUID();
    return envelope(courseUpdated.type, "/test", id, { courseId: id, revision });
  };
  const events = (n: number) => Array.from({ length: n }, (_, i) => ({ topic: courseUpdated.topic, event: course(i) }));
  async function until(check: () => boolean | Promise<boolean>, what: string, ms = 15_000) {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  afterAll(async () => {
    await Promise.all(transports.map((transport) => transport.close()));
    const admin = new Kafka({ clientId: "transport-test", brokers: brokers!, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const ours = (name: string) => prefixes.some((prefix) => name.startsWith(prefix));
    const groups = (await admin.listGroups()).groups.map((group) => group.groupId).filter(ours);
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    const topics = (await admin.listTopics()).filter(ours);
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.disconnect();
  });

  it("subscribes before anything created the topic, and receives what is published afterwards", async () => {
    const transport = open();
    const received: string[] = [];
    const subscription = await transport.subscribe({
      group: "first",
      topics: [courseUpdated.topic],
      handle: async ({ event }) => void received.push((event as { id: string }).id),
    });
    const sent = events(5);
    await transport.publish(sent);
    await until(() => received.length === 5, "five events");
    expect(received.sort()).toEqual(sent.map((e) => e.event.id).sort());
    await subscription.stop();
  });

  it("counts lag from the start of the log until the group commits, also for calls at the same time", async () => {
    const transport = open();
    await transport.publish(events(4));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const subscription = await transport.subscribe({
      group: "slow",
      topics: [courseUpdated.topic],
      handle: () => released,
    });
    expect(await Promise.all([subscription.lag(), subscription.lag(), subscription.lag()])).toEqual([4, 4, 4]);
    release();
    await until(async () => (await subscription.lag()) === 0, "lag 0");
    await subscription.stop();
  });

  it("keeps two prefixes apart and hands handlers the topic without the prefix", async () => {
    const [a, b] = [open(), open()];
    const seen = { a: [] as string[], b: [] as string[] };
    const subA = await a.subscribe({
      group: "g",
      topics: [courseUpdated.topic],
      handle: async ({ topic }) => void seen.a.push(topic),
    });
    const subB = await b.subscribe({
      group: "g",
      topics: [courseUpdated.topic],
      handle: async ({ topic }) => void seen.b.push(topic),
    });
    await a.publish(events(3));
    await until(() => seen.a.length === 3, "prefix a's events");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen).toEqual({ a: Array(3).fill(courseUpdated.topic), b: [] });
    await Promise.all([subA.stop(), subB.stop()]);
  });

  it("stops an idle consumer and closes within a couple of seconds", async () => {
    const transport = open();
    const subscription = await transport.subscribe({
      group: "idle",
      topics: [courseUpdated.topic],
      handle: async () => {},
    });
    await new Promise((resolve) => setTimeout(resolve, 500)); // the consumer waits in a fetch now
    let started = Date.now();
    await subscription.stop();
    expect(Date.now() - started).toBeLessThan(2000);
    await transport.subscribe({ group: "idle", topics: [courseUpdated.topic], handle: async () => {} });
    await new Promise((resolve) => setTimeout(resolve, 500));
    started = Date.now();
    await transport.close();
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
