-- CreateTable
CREATE TABLE "notification"."PendingEmail" (
    "userId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "link" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PendingEmail_pkey" PRIMARY KEY ("userId","kind","sourceId")
);

-- CreateIndex
CREATE INDEX "PendingEmail_createdAt_idx" ON "notification"."PendingEmail"("createdAt");

