-- The embedded transport's event log: what Kafka topics are in the production
-- shape. One row per published event; each consumer group keeps its position
-- per topic in consumer_offset, so a restart resumes where it stopped.
CREATE SCHEMA IF NOT EXISTS "eventbus";

CREATE TABLE "eventbus"."event_log" (
    "offset" BIGSERIAL NOT NULL,
    "topic" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "event" JSONB NOT NULL,
    "appended_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "event_log_pkey" PRIMARY KEY ("offset")
);

-- A relay that retries a batch must not append the same event twice.
CREATE UNIQUE INDEX "event_log_event_id_key" ON "eventbus"."event_log"("event_id");
CREATE INDEX "event_log_topic_offset_idx" ON "eventbus"."event_log"("topic", "offset");
CREATE INDEX "event_log_appended_at_idx" ON "eventbus"."event_log"("appended_at");

CREATE TABLE "eventbus"."consumer_offset" (
    "group_name" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "offset" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "consumer_offset_pkey" PRIMARY KEY ("group_name", "topic")
);
