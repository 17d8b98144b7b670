-- CreateEnum
CREATE TYPE "identity"."PartnerStatus" AS ENUM ('ACTIVE', 'SUSPENDED');

-- CreateTable
CREATE TABLE "identity"."Partner" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "contactEmail" TEXT NOT NULL,
    "status" "identity"."PartnerStatus" NOT NULL DEFAULT 'ACTIVE',
    "scopes" TEXT[],
    "requestsPerMinute" INTEGER NOT NULL,
    "operationsVersion" INTEGER NOT NULL DEFAULT 0,
    "lastUsedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Partner_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "identity"."PartnerKey" (
    "id" TEXT NOT NULL,
    "partnerId" UUID NOT NULL,
    "hash" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3),

    CONSTRAINT "PartnerKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "identity"."PartnerOperation" (
    "partnerId" UUID NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "body" TEXT NOT NULL,

    CONSTRAINT "PartnerOperation_pkey" PRIMARY KEY ("partnerId","id")
);

-- CreateTable
CREATE TABLE "identity"."PartnerUsage" (
    "partnerId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "operationName" TEXT NOT NULL,
    "requests" INTEGER NOT NULL,
    "errors" INTEGER NOT NULL,

    CONSTRAINT "PartnerUsage_pkey" PRIMARY KEY ("partnerId","day","operationName")
);

-- CreateIndex
CREATE INDEX "Partner_createdAt_id_idx" ON "identity"."Partner"("createdAt", "id");

-- CreateIndex
CREATE INDEX "PartnerKey_partnerId_idx" ON "identity"."PartnerKey"("partnerId");

-- AddForeignKey
ALTER TABLE "identity"."PartnerKey" ADD CONSTRAINT "PartnerKey_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "identity"."Partner"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "identity"."PartnerOperation" ADD CONSTRAINT "PartnerOperation_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "identity"."Partner"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "identity"."PartnerUsage" ADD CONSTRAINT "PartnerUsage_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "identity"."Partner"("id") ON DELETE CASCADE ON UPDATE CASCADE;

