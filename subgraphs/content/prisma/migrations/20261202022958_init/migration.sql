-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "content";

-- CreateEnum
CREATE TYPE "content"."ContentKind" AS ENUM ('VIDEO', 'PDF', 'ARTICLE');

-- CreateEnum
CREATE TYPE "content"."ContentStatus" AS ENUM ('PENDING_UPLOAD', 'READY');

-- CreateTable
CREATE TABLE "content"."ContentItem" (
    "id" UUID NOT NULL,
    "moduleId" UUID NOT NULL,
    "courseId" UUID NOT NULL,
    "kind" "content"."ContentKind" NOT NULL,
    "title" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "currentVersion" INTEGER,
    "lastVersion" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ContentItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "content"."ContentVersion" (
    "contentId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "status" "content"."ContentStatus" NOT NULL,
    "storageKey" TEXT,
    "fileName" TEXT,
    "contentType" TEXT,
    "sizeBytes" BIGINT,
    "body" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "readyAt" TIMESTAMPTZ(3),

    CONSTRAINT "ContentVersion_pkey" PRIMARY KEY ("contentId","version")
);

-- CreateTable
CREATE TABLE "content"."CourseLearner" (
    "courseId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "enrollmentId" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "eventTime" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CourseLearner_pkey" PRIMARY KEY ("courseId","userId")
);

-- CreateTable
CREATE TABLE "content"."Completion" (
    "userId" UUID NOT NULL,
    "contentId" UUID NOT NULL,
    "moduleId" UUID NOT NULL,
    "courseId" UUID NOT NULL,
    "completedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Completion_pkey" PRIMARY KEY ("userId","contentId")
);

-- CreateIndex
CREATE INDEX "ContentItem_moduleId_position_idx" ON "content"."ContentItem"("moduleId", "position");

-- CreateIndex
CREATE INDEX "ContentItem_courseId_idx" ON "content"."ContentItem"("courseId");

-- CreateIndex
CREATE INDEX "ContentVersion_status_createdAt_idx" ON "content"."ContentVersion"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Completion_userId_moduleId_idx" ON "content"."Completion"("userId", "moduleId");

-- AddForeignKey
ALTER TABLE "content"."ContentVersion" ADD CONSTRAINT "ContentVersion_contentId_fkey" FOREIGN KEY ("contentId") REFERENCES "content"."ContentItem"("id") ON DELETE CASCADE ON UPDATE CASCADE;

