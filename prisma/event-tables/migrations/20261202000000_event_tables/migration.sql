-- The event tables every subgraph has in its own schema (__SCHEMA__ is the
-- subgraph's name): its transactional outbox, the events its consumers
-- applied, and the ones they gave up on. Owned by the subgraph kit and applied
-- to each subgraph's schema after the subgraph's own migrations; IF NOT EXISTS
-- because the first three subgraphs created these tables in their own
-- migrations before the kit took them over.

CREATE TABLE IF NOT EXISTS "__SCHEMA__"."OutboxEvent" (
    "seq" BIGSERIAL NOT NULL,
    "eventId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "event" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "OutboxEvent_pkey" PRIMARY KEY ("seq")
);
CREATE UNIQUE INDEX IF NOT EXISTS "OutboxEvent_eventId_key" ON "__SCHEMA__"."OutboxEvent"("eventId");
CREATE INDEX IF NOT EXISTS "OutboxEvent_publishedAt_seq_idx" ON "__SCHEMA__"."OutboxEvent"("publishedAt", "seq");

CREATE TABLE IF NOT EXISTS "__SCHEMA__"."ProcessedEvent" (
    "consumerGroup" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "processedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProcessedEvent_pkey" PRIMARY KEY ("consumerGroup","eventId")
);
CREATE INDEX IF NOT EXISTS "ProcessedEvent_processedAt_idx" ON "__SCHEMA__"."ProcessedEvent"("processedAt");

CREATE TABLE IF NOT EXISTS "__SCHEMA__"."DeadLetterEvent" (
    "id" UUID NOT NULL,
    "consumerGroup" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "event" JSONB NOT NULL,
    "error" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "failedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "replayRequestedAt" TIMESTAMPTZ(3),
    "replayedAt" TIMESTAMPTZ(3),

    CONSTRAINT "DeadLetterEvent_pkey" PRIMARY KEY ("id")
);
CREATE INDEX IF NOT EXISTS "DeadLetterEvent_consumerGroup_replayRequestedAt_idx" ON "__SCHEMA__"."DeadLetterEvent"("consumerGroup", "replayRequestedAt");
CREATE UNIQUE INDEX IF NOT EXISTS "DeadLetterEvent_consumerGroup_eventId_key" ON "__SCHEMA__"."DeadLetterEvent"("consumerGroup", "eventId");
