-- CreateTable
CREATE TABLE "catalog"."ProcessedEvent" (
    "consumerGroup" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "processedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProcessedEvent_pkey" PRIMARY KEY ("consumerGroup","eventId")
);

-- CreateTable
CREATE TABLE "catalog"."DeadLetterEvent" (
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
CREATE TABLE "catalog"."CourseLearner" (
    "courseId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "enrollmentId" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "eventTime" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CourseLearner_pkey" PRIMARY KEY ("courseId","userId")
);

-- CreateIndex
CREATE INDEX "ProcessedEvent_processedAt_idx" ON "catalog"."ProcessedEvent"("processedAt");

-- CreateIndex
CREATE INDEX "DeadLetterEvent_consumerGroup_replayRequestedAt_idx" ON "catalog"."DeadLetterEvent"("consumerGroup", "replayRequestedAt");

-- CreateIndex
CREATE UNIQUE INDEX "DeadLetterEvent_consumerGroup_eventId_key" ON "catalog"."DeadLetterEvent"("consumerGroup", "eventId");

