-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "assessment";

-- CreateEnum
CREATE TYPE "assessment"."AssignmentKind" AS ENUM ('ESSAY', 'FILE', 'QUIZ');

-- CreateEnum
CREATE TYPE "assessment"."AssignmentStatus" AS ENUM ('DRAFT', 'PUBLISHED');

-- CreateEnum
CREATE TYPE "assessment"."SubmissionStatus" AS ENUM ('PENDING_UPLOAD', 'SUBMITTED', 'GRADED');

-- CreateTable
CREATE TABLE "assessment"."Assignment" (
    "id" UUID NOT NULL,
    "courseId" UUID NOT NULL,
    "moduleId" UUID,
    "kind" "assessment"."AssignmentKind" NOT NULL,
    "status" "assessment"."AssignmentStatus" NOT NULL DEFAULT 'DRAFT',
    "title" TEXT NOT NULL,
    "instructions" TEXT NOT NULL,
    "dueAt" TIMESTAMPTZ(3),
    "maxAttempts" INTEGER NOT NULL,
    "maxPoints" INTEGER NOT NULL,
    "instructorId" UUID NOT NULL,
    "createdBy" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publishedAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Assignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "assessment"."Question" (
    "assignmentId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "prompt" TEXT NOT NULL,
    "choices" TEXT[],
    "correct" INTEGER[],
    "points" INTEGER NOT NULL,

    CONSTRAINT "Question_pkey" PRIMARY KEY ("assignmentId","position")
);

-- CreateTable
CREATE TABLE "assessment"."Submission" (
    "id" UUID NOT NULL,
    "assignmentId" UUID NOT NULL,
    "courseId" UUID NOT NULL,
    "learnerId" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "status" "assessment"."SubmissionStatus" NOT NULL,
    "text" TEXT,
    "fileKey" TEXT,
    "fileName" TEXT,
    "fileType" TEXT,
    "fileSize" INTEGER,
    "answers" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "submittedAt" TIMESTAMPTZ(3),
    "late" BOOLEAN NOT NULL DEFAULT false,
    "points" INTEGER,
    "feedback" TEXT,
    "gradedAt" TIMESTAMPTZ(3),
    "gradedBy" UUID,

    CONSTRAINT "Submission_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "assessment"."CourseLearner" (
    "courseId" UUID NOT NULL,
    "learnerId" UUID NOT NULL,
    "enrollmentId" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "eventTime" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CourseLearner_pkey" PRIMARY KEY ("courseId","learnerId")
);

-- CreateIndex
CREATE INDEX "Assignment_courseId_createdAt_id_idx" ON "assessment"."Assignment"("courseId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Submission_assignmentId_createdAt_id_idx" ON "assessment"."Submission"("assignmentId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Submission_courseId_learnerId_idx" ON "assessment"."Submission"("courseId", "learnerId");

-- CreateIndex
CREATE UNIQUE INDEX "Submission_assignmentId_learnerId_attempt_key" ON "assessment"."Submission"("assignmentId", "learnerId", "attempt");

-- AddForeignKey
ALTER TABLE "assessment"."Question" ADD CONSTRAINT "Question_assignmentId_fkey" FOREIGN KEY ("assignmentId") REFERENCES "assessment"."Assignment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assessment"."Submission" ADD CONSTRAINT "Submission_assignmentId_fkey" FOREIGN KEY ("assignmentId") REFERENCES "assessment"."Assignment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

