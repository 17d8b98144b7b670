import { randomUUID } from "node:crypto";
import { parseEvent, userRegistered } from "./catalog";
import { envelope } from "./envelope";
import { fromKafkaMessage, toKafkaMessage } from "./kafka-transport";

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
