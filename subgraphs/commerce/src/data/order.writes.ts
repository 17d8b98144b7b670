import type { CommerceTx, OrderItemRow, OrderRow, OrderStatus, PaymentRow, RefundRow } from "./commerce.prisma";
import { SEAT_HOLDING } from "./order.repository";

export type LockedOrder = OrderRow & { items: OrderItemRow[] };

/**
 * The statements commerce runs inside one transaction of its unit of work.
 * Idempotency keys and seats are raw SQL because their correctness rests on
 * exactly how Postgres locks rows under concurrency.
 */
export class OrderWrites {
  constructor(private readonly tx: CommerceTx) {}

  /**
   * Claims an idempotency key for `orderId`. A concurrent claim of the same
   * key waits for this transaction's outcome on the primary key, then finds
   * the row and gets false; an expired key is taken over. True when claimed.
   */
  async claimIdempotencyKey(userId: string, key: string, requestHash: string, orderId: string, expiresAt: Date) {
    const rows = await this.tx.$queryRaw<{ orderId: string }[]>`
      INSERT INTO "commerce"."IdempotencyKey" ("userId", "key", "requestHash", "orderId", "expiresAt")
      VALUES (${userId}::uuid, ${key}, ${requestHash}, ${orderId}::uuid, ${expiresAt})
      ON CONFLICT ("userId", "key") DO UPDATE
        SET "requestHash" = EXCLUDED."requestHash", "orderId" = EXCLUDED."orderId", "expiresAt" = EXCLUDED."expiresAt"
        WHERE "IdempotencyKey"."expiresAt" < now()
      RETURNING "orderId"::text`;
    return rows.length === 1 && rows[0]!.orderId === orderId;
  }

  /** CAM-2026-001042: readable, unique, from a sequence. */
  async nextOrderNumber(now: Date): Promise<string> {
    const [row] = await this.tx.$queryRaw<{ n: bigint }[]>`SELECT nextval('"commerce"."order_number_seq"') AS n`;
    return `CAM-${now.getUTCFullYear()}-${String(row!.n).padStart(6, "0")}`;
  }

  createOrder(data: {
    id: string;
    number: string;
    userId: string;
    currency: string;
    totalAmount: number;
    holdExpiresAt: Date;
    items: { courseId: string; priceAmount: number }[];
    payment: { id: string; provider: string; paymentMethod: string };
  }): Promise<LockedOrder> {
    return this.tx.order.create({
      data: {
        id: data.id,
        number: data.number,
        userId: data.userId,
        currency: data.currency,
        totalAmount: data.totalAmount,
        holdExpiresAt: data.holdExpiresAt,
        items: { create: data.items.map((item) => ({ ...item, currency: data.currency })) },
        payments: {
          create: {
            ...data.payment,
            amount: data.totalAmount,
            currency: data.currency,
          },
        },
        timeline: { create: { kind: "PLACED", detail: `${data.items.length} course(s)` } },
      },
      include: { items: { orderBy: { id: "asc" } } },
    });
  }

  /**
   * Creates the course's seat counter if it has none yet, starting at the
   * seats already in use: seat-holding enrollments plus seats held for
   * orders. ON CONFLICT DO NOTHING: a concurrent creator waits on the primary
   * key and then leaves the winner's row alone.
   */
  async ensureSeatCounter(courseId: string): Promise<void> {
    await this.tx.$executeRaw`
      INSERT INTO "commerce"."CourseSeats" ("courseId", "taken")
      SELECT ${courseId}::uuid,
        (SELECT count(*) FROM "commerce"."EnrollmentProjection"
          WHERE "courseId" = ${courseId}::uuid AND "status" = ANY(${SEAT_HOLDING}))
        + (SELECT count(*) FROM "commerce"."SeatHold" WHERE "courseId" = ${courseId}::uuid AND "status" = 'HELD')
      ON CONFLICT DO NOTHING`;
  }

  /**
   * Takes one seat if fewer than `capacity` are taken. The UPDATE locks the
   * counter row; a concurrent checkout waits, then re-checks its WHERE
   * against the committed count, so at most `capacity` succeed in any number
   * of processes. False when the course is full.
   */
  async takeSeat(courseId: string, capacity: number): Promise<boolean> {
    const updated = await this.tx.$executeRaw`
      UPDATE "commerce"."CourseSeats" SET "taken" = "taken" + 1
       WHERE "courseId" = ${courseId}::uuid AND "taken" < ${capacity}::int`;
    return updated === 1;
  }

  /** Keeps a counter exact when a seat is taken without a limit check (a free enrollment). */
  async countSeatIfTracked(courseId: string): Promise<void> {
    await this.tx.$executeRaw`
      UPDATE "commerce"."CourseSeats" SET "taken" = "taken" + 1 WHERE "courseId" = ${courseId}::uuid`;
  }

  async releaseSeat(courseId: string): Promise<void> {
    await this.tx.$executeRaw`
      UPDATE "commerce"."CourseSeats" SET "taken" = "taken" - 1
       WHERE "courseId" = ${courseId}::uuid AND "taken" > 0`;
  }

  async holdSeat(orderItemId: string, courseId: string): Promise<void> {
    await this.tx.seatHold.create({ data: { orderItemId, courseId } });
  }

  /** Gives back the HELD seats of these items; returns how many. */
  async releaseHolds(items: { id: string; courseId: string }[]): Promise<number> {
    let released = 0;
    for (const item of items) {
      const { count } = await this.tx.seatHold.updateMany({
        where: { orderItemId: item.id, status: "HELD" },
        data: { status: "RELEASED" },
      });
      if (count === 1) {
        await this.releaseSeat(item.courseId);
        released += 1;
      }
    }
    return released;
  }

  /** The seat of a fulfilled item is now its enrollment's (the counter does not change). */
  async consumeHold(orderItemId: string): Promise<void> {
    await this.tx.seatHold.updateMany({ where: { orderItemId, status: "HELD" }, data: { status: "CONSUMED" } });
  }

  /** Locks the order until commit, so payment webhooks, fulfilment and refunds of one order take turns. */
  async lockOrder(id: string): Promise<LockedOrder | null> {
    await this.tx.$queryRaw`SELECT 1 FROM "commerce"."Order" WHERE "id" = ${id}::uuid FOR UPDATE`;
    return this.tx.order.findUnique({ where: { id }, include: { items: { orderBy: { id: "asc" } } } });
  }

  setStatus(id: string, status: OrderStatus, extra: { statusReason?: string | null; paidAt?: Date } = {}) {
    return this.tx.order.update({ where: { id }, data: { status, ...extra } });
  }

  async addTimeline(orderId: string, kind: string, detail?: string): Promise<void> {
    await this.tx.orderEvent.create({ data: { orderId, kind, detail } });
  }

  /** Records a provider event id; false when it was applied before (webhooks arrive at least once). */
  async firstDelivery(eventId: string, type: string): Promise<boolean> {
    const inserted = await this.tx.$executeRaw`
      INSERT INTO "commerce"."ProviderEvent" ("id", "type") VALUES (${eventId}, ${type}) ON CONFLICT DO NOTHING`;
    return inserted === 1;
  }

  paymentForUpdate(id: string): Promise<PaymentRow | null> {
    return this.tx.payment.findUnique({ where: { id } });
  }

  paymentByProviderId(providerPaymentId: string): Promise<PaymentRow | null> {
    return this.tx.payment.findUnique({ where: { providerPaymentId } });
  }

  updatePayment(
    id: string,
    data: Partial<Pick<PaymentRow, "status" | "providerPaymentId" | "clientSecret" | "failureCode">>,
  ) {
    return this.tx.payment.update({ where: { id }, data });
  }

  paymentsOf(orderId: string): Promise<PaymentRow[]> {
    return this.tx.payment.findMany({ where: { orderId }, orderBy: { createdAt: "asc" } });
  }

  async refundPayment(id: string): Promise<void> {
    await this.tx.payment.update({ where: { id }, data: { status: "REFUNDED" } });
  }

  createRefund(data: {
    id: string;
    orderId: string;
    paymentId: string;
    amount: number;
    currency: string;
    reason: string | null;
    requestedBy: string | null;
    itemIds: string[];
  }): Promise<RefundRow> {
    return this.tx.refund.create({ data });
  }

  async markItemsRefunding(itemIds: string[], refundId: string): Promise<void> {
    await this.tx.orderItem.updateMany({ where: { id: { in: itemIds } }, data: { refundId } });
  }

  refundById(id: string): Promise<RefundRow | null> {
    return this.tx.refund.findUnique({ where: { id } });
  }

  refundByProviderId(providerRefundId: string): Promise<RefundRow | null> {
    return this.tx.refund.findUnique({ where: { providerRefundId } });
  }

  updateRefund(id: string, data: Partial<Pick<RefundRow, "status" | "providerRefundId">>) {
    return this.tx.refund.update({ where: { id }, data });
  }

  async settleRefundItems(itemIds: string[], refundedAt: Date | null): Promise<void> {
    if (refundedAt) await this.tx.orderItem.updateMany({ where: { id: { in: itemIds } }, data: { refundedAt } });
    else await this.tx.orderItem.updateMany({ where: { id: { in: itemIds } }, data: { refundId: null } });
  }

  async fulfilItem(orderItemId: string, enrollmentId: string, at: Date): Promise<void> {
    await this.tx.orderItem.updateMany({ where: { id: orderItemId }, data: { enrollmentId, fulfilledAt: at } });
    await this.consumeHold(orderItemId);
  }

  /** Keeps commerce's view of one enrollment; returns the status it had before (null when new). */
  async keepEnrollment(row: {
    enrollmentId: string;
    userId: string;
    courseId: string;
    status: string;
    progress: number;
  }): Promise<string | null> {
    const before = await this.tx.enrollmentProjection.findUnique({ where: { enrollmentId: row.enrollmentId } });
    await this.tx.enrollmentProjection.upsert({
      where: { enrollmentId: row.enrollmentId },
      create: row,
      update: { status: row.status, progress: row.progress },
    });
    return before?.status ?? null;
  }
}
