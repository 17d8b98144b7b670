-- CreateTable
CREATE TABLE "enrollment"."OutboxEvent" (
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

-- CreateTable
CREATE TABLE "enrollment"."ProcessedEvent" (
    "consumerGroup" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "processedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProcessedEvent_pkey" PRIMARY KEY ("consumerGroup","eventId")
);

-- CreateTable
CREATE TABLE "enrollment"."DeadLetterEvent" (
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

-- CreateTable
CREATE TABLE "enrollment"."CourseProjection" (
    "courseId" UUID NOT NULL,
    "revision" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "priceAmount" INTEGER NOT NULL,
    "priceCurrency" CHAR(3) NOT NULL,
    "capacity" INTEGER,
    "moduleIds" TEXT[],
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CourseProjection_pkey" PRIMARY KEY ("courseId")
);

-- CreateIndex
CREATE UNIQUE INDEX "OutboxEvent_eventId_key" ON "enrollment"."OutboxEvent"("eventId");

-- CreateIndex
CREATE INDEX "OutboxEvent_publishedAt_seq_idx" ON "enrollment"."OutboxEvent"("publishedAt", "seq");

-- CreateIndex
CREATE INDEX "ProcessedEvent_processedAt_idx" ON "enrollment"."ProcessedEvent"("processedAt");

-- CreateIndex
CREATE INDEX "DeadLetterEvent_consumerGroup_replayRequestedAt_idx" ON "enrollment"."DeadLetterEvent"("consumerGroup", "replayRequestedAt");

-- CreateIndex
CREATE UNIQUE INDEX "DeadLetterEvent_consumerGroup_eventId_key" ON "enrollment"."DeadLetterEvent"("consumerGroup", "eventId");

