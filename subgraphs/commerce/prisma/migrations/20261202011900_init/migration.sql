-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "commerce";

-- CreateEnum
CREATE TYPE "commerce"."OrderStatus" AS ENUM ('PENDING_PAYMENT', 'PAID', 'FULFILLED', 'PAYMENT_FAILED', 'CANCELLED', 'PARTIALLY_REFUNDED', 'REFUNDED');

-- CreateEnum
CREATE TYPE "commerce"."PaymentStatus" AS ENUM ('PENDING', 'SUCCEEDED', 'FAILED', 'REFUNDED');

-- CreateEnum
CREATE TYPE "commerce"."RefundStatus" AS ENUM ('PENDING', 'SUCCEEDED', 'FAILED');

-- CreateEnum
CREATE TYPE "commerce"."SeatHoldStatus" AS ENUM ('HELD', 'CONSUMED', 'RELEASED');

-- CreateTable
CREATE TABLE "commerce"."Order" (
    "id" UUID NOT NULL,
    "number" TEXT NOT NULL,
    "userId" UUID NOT NULL,
    "status" "commerce"."OrderStatus" NOT NULL DEFAULT 'PENDING_PAYMENT',
    "currency" CHAR(3) NOT NULL,
    "totalAmount" INTEGER NOT NULL,
    "statusReason" TEXT,
    "holdExpiresAt" TIMESTAMPTZ(3) NOT NULL,
    "paidAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "commerce"."OrderItem" (
    "id" UUID NOT NULL,
    "orderId" UUID NOT NULL,
    "courseId" UUID NOT NULL,
    "priceAmount" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "enrollmentId" UUID,
    "fulfilledAt" TIMESTAMPTZ(3),
    "refundId" UUID,
    "refundedAt" TIMESTAMPTZ(3),

    CONSTRAINT "OrderItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "commerce"."Payment" (
    "id" UUID NOT NULL,
    "orderId" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "providerPaymentId" TEXT,
    "paymentMethod" TEXT NOT NULL,
    "status" "commerce"."PaymentStatus" NOT NULL DEFAULT 'PENDING',
    "amount" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "clientSecret" TEXT,
    "failureCode" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Payment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "commerce"."Refund" (
    "id" UUID NOT NULL,
    "orderId" UUID NOT NULL,
    "paymentId" UUID NOT NULL,
    "providerRefundId" TEXT,
    "status" "commerce"."RefundStatus" NOT NULL DEFAULT 'PENDING',
    "amount" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "reason" TEXT,
    "requestedBy" UUID,
    "itemIds" TEXT[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Refund_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "commerce"."OrderEvent" (
    "id" UUID NOT NULL,
    "orderId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "detail" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OrderEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "commerce"."IdempotencyKey" (
    "userId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "orderId" UUID NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "IdempotencyKey_pkey" PRIMARY KEY ("userId","key")
);

-- CreateTable
CREATE TABLE "commerce"."SeatHold" (
    "orderItemId" UUID NOT NULL,
    "courseId" UUID NOT NULL,
    "status" "commerce"."SeatHoldStatus" NOT NULL DEFAULT 'HELD',

    CONSTRAINT "SeatHold_pkey" PRIMARY KEY ("orderItemId")
);

-- CreateTable
CREATE TABLE "commerce"."CourseSeats" (
    "courseId" UUID NOT NULL,
    "taken" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "CourseSeats_pkey" PRIMARY KEY ("courseId")
);

-- CreateTable
CREATE TABLE "commerce"."EnrollmentProjection" (
    "enrollmentId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "courseId" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "progress" DOUBLE PRECISION NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "EnrollmentProjection_pkey" PRIMARY KEY ("enrollmentId")
);

-- CreateTable
CREATE TABLE "commerce"."ProviderEvent" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProviderEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Order_number_key" ON "commerce"."Order"("number");

-- CreateIndex
CREATE INDEX "Order_userId_createdAt_id_idx" ON "commerce"."Order"("userId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Order_createdAt_id_idx" ON "commerce"."Order"("createdAt", "id");

-- CreateIndex
CREATE INDEX "Order_status_holdExpiresAt_idx" ON "commerce"."Order"("status", "holdExpiresAt");

-- CreateIndex
CREATE INDEX "OrderItem_orderId_idx" ON "commerce"."OrderItem"("orderId");

-- CreateIndex
CREATE INDEX "OrderItem_courseId_idx" ON "commerce"."OrderItem"("courseId");

-- CreateIndex
CREATE UNIQUE INDEX "Payment_providerPaymentId_key" ON "commerce"."Payment"("providerPaymentId");

-- CreateIndex
CREATE INDEX "Payment_orderId_idx" ON "commerce"."Payment"("orderId");

-- CreateIndex
CREATE INDEX "Payment_status_createdAt_idx" ON "commerce"."Payment"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Refund_providerRefundId_key" ON "commerce"."Refund"("providerRefundId");

-- CreateIndex
CREATE INDEX "Refund_orderId_idx" ON "commerce"."Refund"("orderId");

-- CreateIndex
CREATE INDEX "Refund_status_createdAt_idx" ON "commerce"."Refund"("status", "createdAt");

-- CreateIndex
CREATE INDEX "OrderEvent_orderId_at_idx" ON "commerce"."OrderEvent"("orderId", "at");

-- CreateIndex
CREATE INDEX "IdempotencyKey_expiresAt_idx" ON "commerce"."IdempotencyKey"("expiresAt");

-- CreateIndex
CREATE INDEX "SeatHold_courseId_status_idx" ON "commerce"."SeatHold"("courseId", "status");

-- CreateIndex
CREATE INDEX "EnrollmentProjection_courseId_status_idx" ON "commerce"."EnrollmentProjection"("courseId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "EnrollmentProjection_userId_courseId_key" ON "commerce"."EnrollmentProjection"("userId", "courseId");

-- AddForeignKey
ALTER TABLE "commerce"."OrderItem" ADD CONSTRAINT "OrderItem_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "commerce"."Order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "commerce"."Payment" ADD CONSTRAINT "Payment_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "commerce"."Order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "commerce"."Refund" ADD CONSTRAINT "Refund_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "commerce"."Order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "commerce"."OrderEvent" ADD CONSTRAINT "OrderEvent_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "commerce"."Order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "commerce"."SeatHold" ADD CONSTRAINT "SeatHold_orderItemId_fkey" FOREIGN KEY ("orderItemId") REFERENCES "commerce"."OrderItem"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Order numbers (CAM-<year>-<n>): a sequence, not a count, so concurrent checkouts never share one.
CREATE SEQUENCE "commerce"."order_number_seq" START 1000;
