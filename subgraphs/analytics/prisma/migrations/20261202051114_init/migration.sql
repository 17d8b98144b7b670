-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "analytics";

-- CreateTable
CREATE TABLE "analytics"."PlatformDay" (
    "day" DATE NOT NULL,
    "newUsers" INTEGER NOT NULL DEFAULT 0,
    "enrollments" INTEGER NOT NULL DEFAULT 0,
    "completions" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "PlatformDay_pkey" PRIMARY KEY ("day")
);

-- CreateTable
CREATE TABLE "analytics"."MoneyDay" (
    "day" DATE NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "revenue" BIGINT NOT NULL DEFAULT 0,
    "refunds" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "MoneyDay_pkey" PRIMARY KEY ("day","currency")
);

-- CreateTable
CREATE TABLE "analytics"."LearnerActivity" (
    "day" DATE NOT NULL,
    "userId" UUID NOT NULL,

    CONSTRAINT "LearnerActivity_pkey" PRIMARY KEY ("day","userId")
);

-- CreateTable
CREATE TABLE "analytics"."CourseDay" (
    "courseId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "enrollments" INTEGER NOT NULL DEFAULT 0,
    "completions" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "CourseDay_pkey" PRIMARY KEY ("courseId","day")
);

-- CreateTable
CREATE TABLE "analytics"."CourseRevenueDay" (
    "courseId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "revenue" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "CourseRevenueDay_pkey" PRIMARY KEY ("courseId","day","currency")
);

-- CreateTable
CREATE TABLE "analytics"."EnrollmentFact" (
    "enrollmentId" UUID NOT NULL,
    "courseId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "enrolledAt" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL,
    "progress" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "EnrollmentFact_pkey" PRIMARY KEY ("enrollmentId")
);

-- CreateTable
CREATE TABLE "analytics"."SubmissionFact" (
    "submissionId" UUID NOT NULL,
    "courseId" UUID NOT NULL,
    "learnerId" UUID NOT NULL,
    "submittedAt" TIMESTAMPTZ(3) NOT NULL,
    "maxPoints" INTEGER NOT NULL,
    "points" INTEGER,

    CONSTRAINT "SubmissionFact_pkey" PRIMARY KEY ("submissionId")
);

-- CreateTable
CREATE TABLE "analytics"."CourseFact" (
    "courseId" UUID NOT NULL,
    "revision" INTEGER NOT NULL,
    "instructorId" UUID NOT NULL,
    "title" TEXT NOT NULL,

    CONSTRAINT "CourseFact_pkey" PRIMARY KEY ("courseId")
);

-- CreateIndex
CREATE INDEX "CourseDay_day_idx" ON "analytics"."CourseDay"("day");

-- CreateIndex
CREATE INDEX "CourseRevenueDay_day_idx" ON "analytics"."CourseRevenueDay"("day");

-- CreateIndex
CREATE INDEX "EnrollmentFact_courseId_enrolledAt_idx" ON "analytics"."EnrollmentFact"("courseId", "enrolledAt");

-- CreateIndex
CREATE INDEX "SubmissionFact_courseId_submittedAt_idx" ON "analytics"."SubmissionFact"("courseId", "submittedAt");

