-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "catalog";

-- CreateEnum
CREATE TYPE "catalog"."CourseLevel" AS ENUM ('BEGINNER', 'INTERMEDIATE', 'ADVANCED');

-- CreateEnum
CREATE TYPE "catalog"."CourseStatus" AS ENUM ('DRAFT', 'PUBLISHED', 'ARCHIVED');

-- CreateTable
CREATE TABLE "catalog"."Category" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,

    CONSTRAINT "Category_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "catalog"."Course" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "level" "catalog"."CourseLevel" NOT NULL,
    "language" TEXT NOT NULL DEFAULT 'en',
    "categoryId" UUID,
    "priceAmount" INTEGER NOT NULL,
    "priceCurrency" CHAR(3) NOT NULL,
    "capacity" INTEGER,
    "status" "catalog"."CourseStatus" NOT NULL DEFAULT 'DRAFT',
    "publishedAt" TIMESTAMPTZ(3),
    "instructorId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Course_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "catalog"."Module" (
    "id" UUID NOT NULL,
    "courseId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "summary" TEXT,
    "position" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Module_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Category_slug_key" ON "catalog"."Category"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "Course_slug_key" ON "catalog"."Course"("slug");

-- CreateIndex
CREATE INDEX "Course_status_createdAt_id_idx" ON "catalog"."Course"("status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Course_categoryId_status_idx" ON "catalog"."Course"("categoryId", "status");

-- CreateIndex
CREATE INDEX "Course_level_status_idx" ON "catalog"."Course"("level", "status");

-- CreateIndex
CREATE INDEX "Course_priceAmount_status_idx" ON "catalog"."Course"("priceAmount", "status");

-- CreateIndex
CREATE INDEX "Course_instructorId_createdAt_idx" ON "catalog"."Course"("instructorId", "createdAt");

-- CreateIndex
CREATE INDEX "Module_courseId_position_idx" ON "catalog"."Module"("courseId", "position");

-- AddForeignKey
ALTER TABLE "catalog"."Course" ADD CONSTRAINT "Course_categoryId_fkey" FOREIGN KEY ("categoryId") REFERENCES "catalog"."Category"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "catalog"."Module" ADD CONSTRAINT "Module_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "catalog"."Course"("id") ON DELETE CASCADE ON UPDATE CASCADE;

