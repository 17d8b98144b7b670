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
  /**
   * Put in front of every Kafka topic and consumer group name (`staging.` gives
   * `staging.campus.catalog.events` and group `staging.enrollment.course-projection`),
   * so that several deployments, or test runs, can share one Kafka cluster
   * without reading each other's events or moving each other's offsets. The
   * test kit sets a fresh one for each boot on Kafka. Unset: no prefix. The
   * embedded event log ignores it (its database is already its own).
   */
  EVENTS_TOPIC_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]*$/, "letters, digits, '.', '_' and '-' only (Kafka topic name characters)")
    .optional(),
  /** PostgreSQL for the embedded event log when several processes share it; the embedded PGlite otherwise. */
  EVENTS_DATABASE_URL: optionalUrlSetting,
  /** How often idle relays and subscribers look for new events (they are also woken in-process). */
  EVENTS_POLL_MS: positiveInt(500),
  /** Handler attempts before an event goes to the dead-letter table. */
  EVENTS_MAX_ATTEMPTS: positiveInt(5),
};
