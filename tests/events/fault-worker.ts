/**
 * The process the fault test kills: an outbox relay and a consumer on
 * PostgreSQL, as a subgraph runs them (see stream.ts for the effect), with
 * events through the embedded event log in the same database or, when
 * FAULT_TRANSPORT=kafka, through Kafka (KAFKA_BROKERS, FAULT_TOPIC_PREFIX).
 */
import { openDatabase } from "@campus/database";
import { EmbeddedTransport, KafkaTransport, OutboxRelay, type EventTransport } from "@campus/events";
import { MemoryStore } from "@campus/kv";
import { createLogger, type Logger } from "@campus/logging";
import { streamConsumer, streamOutbox } from "./stream";

async function openTransport(url: string, logger: Logger): Promise<EventTransport> {
  if (process.env.FAULT_TRANSPORT === "kafka") {
    return new KafkaTransport({
      brokers: process.env.KAFKA_BROKERS!.split(","),
      clientId: "fault-worker",
      logger,
      topicPrefix: process.env.FAULT_TOPIC_PREFIX,
      // the broker's minimum: a restarted worker waits this long for the group to drop the killed one
      sessionTimeoutMs: 6000,
    });
  }
  return EmbeddedTransport.open({
    db: openDatabase({ schema: "eventbus", url }),
    ownsDatabase: true,
    logger,
    pollMs: 20,
  });
}

async function main() {
  const url = process.env.FAULT_DATABASE_URL!;
  const logger = createLogger("fault-worker", "warn");
  const db = openDatabase({ schema: "enrollment", url });
  const transport = await openTransport(url, logger);
  const relay = new OutboxRelay({
    outbox: streamOutbox(),
    db,
    transport,
    store: new MemoryStore(),
    logger,
    pollMs: 20,
  });
  relay.start();
  await streamConsumer(db, logger).start(transport);
  process.send?.("started");
}

void main();
