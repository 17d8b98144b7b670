import { optionalUrlSetting, positiveInt, z } from "@campus/config";

/** Event settings every publishing or consuming process understands. */
export const eventsEnv = {
  /** Comma-separated Kafka brokers; when unset, events go through the embedded event log. */
  KAFKA_BROKERS: z
    .string()
    .trim()
    .optional()
    .transform((value) =>
      value
        ? value
            .split(",")
            .map((broker) => broker.trim())
            .filter(Boolean)
        : undefined,
    ),
  /** PostgreSQL for the embedded event log when several processes share it; the embedded PGlite otherwise. */
  EVENTS_DATABASE_URL: optionalUrlSetting,
  /** How often idle relays and subscribers look for new events (they are also woken in-process). */
  EVENTS_POLL_MS: positiveInt(500),
  /** Handler attempts before an event goes to the dead-letter table. */
  EVENTS_MAX_ATTEMPTS: positiveInt(5),
};
