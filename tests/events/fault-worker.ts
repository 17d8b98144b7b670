/**
 * The process the fault test kills: an outbox relay and a consumer on
 * PostgreSQL, as a subgraph runs them (see stream.ts for the effect).
 */
import { openDatabase } from "@campus/database";
import { EmbeddedTransport, OutboxRelay } from "@campus/events";
import { MemoryStore } from "@campus/kv";
import { createLogger } from "@campus/logging";
import { streamConsumer, streamOutbox } from "./stream";

async function main() {
  const url = process.env.FAULT_DATABASE_URL!;
  const logger = createLogger("fault-worker", "warn");
  const db = openDatabase({ schema: "enrollment", url });
  const transport = await EmbeddedTransport.open({
    db: openDatabase({ schema: "eventbus", url }),
    ownsDatabase: true,
    logger,
    pollMs: 20,
  });
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
