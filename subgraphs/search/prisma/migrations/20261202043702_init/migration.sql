-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "search";

-- CreateTable
CREATE TABLE "search"."CourseFacts" (
    "courseId" UUID NOT NULL,
    "revision" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "categoryId" UUID,
    "categoryName" TEXT,
    "priceAmount" INTEGER NOT NULL,
    "priceCurrency" CHAR(3) NOT NULL,
    "instructorId" UUID NOT NULL,
    "modules" JSONB NOT NULL,
    "publishedAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CourseFacts_pkey" PRIMARY KEY ("courseId")
);

-- CreateTable
CREATE TABLE "search"."ArticleFacts" (
    "contentId" UUID NOT NULL,
    "courseId" UUID NOT NULL,
    "moduleId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ArticleFacts_pkey" PRIMARY KEY ("contentId")
);

-- CreateTable
CREATE TABLE "search"."PersonName" (
    "userId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "changedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "PersonName_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "search"."CourseIndexEntry" (
    "courseId" UUID NOT NULL,
    "sequence" BIGSERIAL NOT NULL,
    "written" BOOLEAN NOT NULL DEFAULT false,
    "changedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CourseIndexEntry_pkey" PRIMARY KEY ("courseId")
);

-- CreateIndex
CREATE INDEX "CourseFacts_instructorId_idx" ON "search"."CourseFacts"("instructorId");

-- CreateIndex
CREATE INDEX "ArticleFacts_courseId_idx" ON "search"."ArticleFacts"("courseId");

-- CreateIndex
CREATE INDEX "CourseIndexEntry_written_sequence_idx" ON "search"."CourseIndexEntry"("written", "sequence");

-- CreateIndex
CREATE INDEX "CourseIndexEntry_sequence_idx" ON "search"."CourseIndexEntry"("sequence");

