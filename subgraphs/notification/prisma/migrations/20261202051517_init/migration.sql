-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "notification";

-- CreateEnum
CREATE TYPE "notification"."DeliveryStatus" AS ENUM ('QUEUED', 'SENT', 'FAILED', 'BOUNCED');

-- CreateTable
CREATE TABLE "notification"."Recipient" (
    "userId" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "changedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Recipient_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "notification"."CourseFacts" (
    "courseId" UUID NOT NULL,
    "revision" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "instructorId" UUID NOT NULL,

    CONSTRAINT "CourseFacts_pkey" PRIMARY KEY ("courseId")
);

-- CreateTable
CREATE TABLE "notification"."CourseLearner" (
    "courseId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "changedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CourseLearner_pkey" PRIMARY KEY ("courseId","userId")
);

-- CreateTable
CREATE TABLE "notification"."KnownContent" (
    "contentId" UUID NOT NULL,
    "courseId" UUID NOT NULL,

    CONSTRAINT "KnownContent_pkey" PRIMARY KEY ("contentId")
);

-- CreateTable
CREATE TABLE "notification"."ContentDigest" (
    "userId" UUID NOT NULL,
    "courseId" UUID NOT NULL,
    "windowStart" TIMESTAMPTZ(3) NOT NULL,
    "windowEnd" TIMESTAMPTZ(3) NOT NULL,
    "titles" TEXT[],
    "sentAt" TIMESTAMPTZ(3),

    CONSTRAINT "ContentDigest_pkey" PRIMARY KEY ("userId","courseId","windowStart")
);

-- CreateTable
CREATE TABLE "notification"."AssignmentDue" (
    "assignmentId" UUID NOT NULL,
    "courseId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "remindedAt" TIMESTAMPTZ(3),

    CONSTRAINT "AssignmentDue_pkey" PRIMARY KEY ("assignmentId")
);

-- CreateTable
CREATE TABLE "notification"."Notification" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "link" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "readAt" TIMESTAMPTZ(3),

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification"."NotificationPreference" (
    "userId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "inApp" BOOLEAN NOT NULL,
    "email" BOOLEAN NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "NotificationPreference_pkey" PRIMARY KEY ("userId","kind")
);

-- CreateTable
CREATE TABLE "notification"."EmailDelivery" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "to" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "html" TEXT NOT NULL,
    "headers" JSONB NOT NULL,
    "status" "notification"."DeliveryStatus" NOT NULL DEFAULT 'QUEUED',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimedUntil" TIMESTAMPTZ(3),
    "messageId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMPTZ(3),

    CONSTRAINT "EmailDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CourseLearner_courseId_status_idx" ON "notification"."CourseLearner"("courseId", "status");

-- CreateIndex
CREATE INDEX "ContentDigest_sentAt_windowEnd_idx" ON "notification"."ContentDigest"("sentAt", "windowEnd");

-- CreateIndex
CREATE INDEX "AssignmentDue_remindedAt_dueAt_idx" ON "notification"."AssignmentDue"("remindedAt", "dueAt");

-- CreateIndex
CREATE INDEX "Notification_userId_createdAt_id_idx" ON "notification"."Notification"("userId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Notification_userId_readAt_idx" ON "notification"."Notification"("userId", "readAt");

-- CreateIndex
CREATE UNIQUE INDEX "Notification_userId_kind_sourceId_key" ON "notification"."Notification"("userId", "kind", "sourceId");

-- CreateIndex
CREATE INDEX "EmailDelivery_status_nextAttemptAt_idx" ON "notification"."EmailDelivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "EmailDelivery_createdAt_id_idx" ON "notification"."EmailDelivery"("createdAt", "id");

-- CreateIndex
CREATE UNIQUE INDEX "EmailDelivery_userId_kind_sourceId_key" ON "notification"."EmailDelivery"("userId", "kind", "sourceId");

