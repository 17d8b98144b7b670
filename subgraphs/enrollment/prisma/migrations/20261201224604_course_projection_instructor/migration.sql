-- AlterTable
ALTER TABLE "enrollment"."CourseProjection" ADD COLUMN     "instructorId" UUID;

