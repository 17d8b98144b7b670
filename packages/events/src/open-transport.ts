import { configError } from "@campus/config";
import { openDatabase, type PGlite } from "@campus/database";
import type { Logger } from "@campus/logging";
import { EmbeddedTransport, EVENT_LOG_SCHEMA } from "./embedded-transport";
import { KafkaTransport } from "./kafka-transport";
import type { EventTransport } from "./transport";

export interface TransportSettings {
  NODE_ENV: string;
  KAFKA_BROKERS?: string[];
  EVENTS_TOPIC_PREFIX?: string;
  EVENTS_DATABASE_URL?: string;
  EVENTS_POLL_MS: number;
}

/**
 * Picks the transport from config: Kafka when brokers are set; otherwise the
 * event log in PostgreSQL (EVENTS_DATABASE_URL) or in the process's embedded
 * PGlite. Production needs one of the first two, since an event log inside
 * one process's PGlite reaches no other process.
 */
export async function openEventTransport(
  settings: TransportSettings,
  options: { clientId: string; logger: Logger; pglite?: PGlite },
): Promise<EventTransport> {
  if (settings.KAFKA_BROKERS?.length) {
    return new KafkaTransport({
      brokers: settings.KAFKA_BROKERS,
      clientId: options.clientId,
      logger: options.logger,
      topicPrefix: settings.EVENTS_TOPIC_PREFIX,
    });
  }
  if (!settings.EVENTS_DATABASE_URL && settings.NODE_ENV === "production") {
    throw configError("KAFKA_BROKERS", "required when NODE_ENV=production (or EVENTS_DATABASE_URL)");
  }
  if (!settings.EVENTS_DATABASE_URL && !options.pglite) {
    throw configError("KAFKA_BROKERS", "set it or EVENTS_DATABASE_URL, or run with the embedded PGlite");
  }
  const db = openDatabase({ schema: EVENT_LOG_SCHEMA, url: settings.EVENTS_DATABASE_URL, pglite: options.pglite });
  return EmbeddedTransport.open({ db, ownsDatabase: true, logger: options.logger, pollMs: settings.EVENTS_POLL_MS });
}
