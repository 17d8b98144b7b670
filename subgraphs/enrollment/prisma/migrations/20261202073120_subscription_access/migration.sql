-- AlterTable
ALTER TABLE "enrollment"."Enrollment" ADD COLUMN     "subscriptionId" UUID;

-- CreateTable
CREATE TABLE "enrollment"."SubscriptionAccess" (
    "subscriptionId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SubscriptionAccess_pkey" PRIMARY KEY ("subscriptionId")
);

-- CreateIndex
CREATE INDEX "SubscriptionAccess_userId_status_idx" ON "enrollment"."SubscriptionAccess"("userId", "status");

-- CreateIndex
CREATE INDEX "Enrollment_subscriptionId_idx" ON "enrollment"."Enrollment"("subscriptionId");

