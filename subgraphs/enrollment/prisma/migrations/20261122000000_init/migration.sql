-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "enrollment";

-- CreateEnum
CREATE TYPE "enrollment"."EnrollmentStatus" AS ENUM ('ACTIVE', 'COMPLETED', 'CANCELLED');

-- CreateTable
CREATE TABLE "enrollment"."Enrollment" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "courseId" UUID NOT NULL,
    "status" "enrollment"."EnrollmentStatus" NOT NULL DEFAULT 'ACTIVE',
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "enrolledAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Enrollment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "enrollment"."ModuleCompletion" (
    "enrollmentId" UUID NOT NULL,
    "moduleId" UUID NOT NULL,
    "completedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModuleCompletion_pkey" PRIMARY KEY ("enrollmentId","moduleId")
);

-- CreateTable
CREATE TABLE "enrollment"."CourseSeats" (
    "courseId" UUID NOT NULL,
    "taken" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "CourseSeats_pkey" PRIMARY KEY ("courseId")
);

-- CreateIndex
CREATE INDEX "Enrollment_userId_enrolledAt_id_idx" ON "enrollment"."Enrollment"("userId", "enrolledAt", "id");

-- CreateIndex
CREATE INDEX "Enrollment_courseId_status_idx" ON "enrollment"."Enrollment"("courseId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Enrollment_userId_courseId_key" ON "enrollment"."Enrollment"("userId", "courseId");

-- AddForeignKey
ALTER TABLE "enrollment"."ModuleCompletion" ADD CONSTRAINT "ModuleCompletion_enrollmentId_fkey" FOREIGN KEY ("enrollmentId") REFERENCES "enrollment"."Enrollment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

