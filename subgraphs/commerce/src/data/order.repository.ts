import { byKey, groupByKey, isUuid, keysetAfter, type Keyset, type LoaderRegistry } from "@campus/subgraph";
import type {
  CommercePrisma,
  OrderEventRow,
  OrderItemRow,
  OrderRow,
  OrderStatus,
  PaymentRow,
  RefundRow,
} from "./commerce.prisma";

/** Statuses in which an order's unrefunded items are the buyer's. */
export const OWNING_STATUSES: OrderStatus[] = ["PAID", "FULFILLED", "PARTIALLY_REFUNDED"];
/** Enrollment statuses that hold a seat (and mean "already enrolled"). */
export const SEAT_HOLDING = ["ACTIVE", "COMPLETED"];

export interface OrderFilter {
  userId?: string;
  status?: OrderStatus;
  /** Exact order number, e.g. CAM-2026-001042. */
  number?: string;
}

/**
 * Commerce's reads. Everything a response may ask for per order (items,
 * payments, refunds, timeline) goes through the request's loaders: a page of
 * orders costs one query per relation.
 */
export class OrderRepository {
  constructor(private readonly prisma: CommercePrisma) {}

  byId(loaders: LoaderRegistry, id: string): Promise<OrderRow | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return loaders
      .get<string, OrderRow | null>("commerce:order", async (ids) =>
        byKey(ids, await this.prisma.order.findMany({ where: { id: { in: [...ids] } } }), (row) => row.id),
      )
      .load(id);
  }

  items(loaders: LoaderRegistry, orderId: string): Promise<OrderItemRow[]> {
    return this.ofOrder(loaders, "commerce:items", orderId, (ids) =>
      this.prisma.orderItem.findMany({ where: { orderId: { in: ids } }, orderBy: { id: "asc" } }),
    );
  }

  payments(loaders: LoaderRegistry, orderId: string): Promise<PaymentRow[]> {
    return this.ofOrder(loaders, "commerce:payments", orderId, (ids) =>
      this.prisma.payment.findMany({ where: { orderId: { in: ids } }, orderBy: { createdAt: "asc" } }),
    );
  }

  refunds(loaders: LoaderRegistry, orderId: string): Promise<RefundRow[]> {
    return this.ofOrder(loaders, "commerce:refunds", orderId, (ids) =>
      this.prisma.refund.findMany({ where: { orderId: { in: ids } }, orderBy: { createdAt: "asc" } }),
    );
  }

  timeline(loaders: LoaderRegistry, orderId: string): Promise<OrderEventRow[]> {
    return this.ofOrder(loaders, "commerce:timeline", orderId, (ids) =>
      this.prisma.orderEvent.findMany({ where: { orderId: { in: ids } }, orderBy: { at: "asc" } }),
    );
  }

  /** Rows of one order, batched with every other order of the request asking the same. */
  private ofOrder<T extends { orderId: string }>(
    loaders: LoaderRegistry,
    name: string,
    orderId: string,
    find: (orderIds: string[]) => Promise<T[]>,
  ): Promise<T[]> {
    return loaders
      .get<string, T[]>(name, async (ids) => groupByKey(ids, await find([...ids]), (row) => row.orderId))
      .load(orderId);
  }

  /** Newest first, keyset-paged on (createdAt, id). */
  async page(filter: OrderFilter, take: number, after: Keyset | undefined) {
    const where = {
      ...(filter.userId ? { userId: filter.userId } : {}),
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.number ? { number: filter.number } : {}),
    };
    const [rows, totalCount] = await Promise.all([
      this.prisma.order.findMany({
        where: after ? { AND: [where, keysetAfter("createdAt", after, "desc")] } : where,
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: take + 1,
      }),
      this.prisma.order.count({ where }),
    ]);
    return { rows, totalCount };
  }

  /** Courses a user has bought and not been refunded for, per user, batched. */
  ownedCourseIds(loaders: LoaderRegistry, userId: string): Promise<Set<string>> {
    return loaders
      .get<string, Set<string>>("commerce:owned", async (userIds) => {
        const rows = await this.prisma.orderItem.findMany({
          where: { refundedAt: null, order: { userId: { in: [...userIds] }, status: { in: OWNING_STATUSES } } },
          select: { courseId: true, order: { select: { userId: true } } },
        });
        return groupByKey(userIds, rows, (row) => row.order.userId).map(
          (group) => new Set(group.map((row) => row.courseId)),
        );
      })
      .load(userId);
  }

  /** Courses in the user's orders still waiting for their payment. */
  awaitingPaymentCourseIds(loaders: LoaderRegistry, userId: string): Promise<Set<string>> {
    return loaders
      .get<string, Set<string>>("commerce:awaiting-payment", async (userIds) => {
        const rows = await this.prisma.orderItem.findMany({
          where: { order: { userId: { in: [...userIds] }, status: "PENDING_PAYMENT" } },
          select: { courseId: true, order: { select: { userId: true } } },
        });
        return groupByKey(userIds, rows, (row) => row.order.userId).map(
          (group) => new Set(group.map((row) => row.courseId)),
        );
      })
      .load(userId);
  }

  /** Courses the user holds a seat in (enrollment's events, kept in EnrollmentProjection). */
  enrolledCourseIds(loaders: LoaderRegistry, userId: string): Promise<Set<string>> {
    return loaders
      .get<string, Set<string>>("commerce:enrolled", async (userIds) => {
        const rows = await this.prisma.enrollmentProjection.findMany({
          where: { userId: { in: [...userIds] }, status: { in: SEAT_HOLDING } },
          select: { courseId: true, userId: true },
        });
        return groupByKey(userIds, rows, (row) => row.userId).map((group) => new Set(group.map((row) => row.courseId)));
      })
      .load(userId);
  }

  /** How far the user is in each course they are enrolled in (enrollment's last word). */
  progressIn(userId: string) {
    return this.prisma.enrollmentProjection.findMany({
      where: { userId },
      select: { courseId: true, progress: true, status: true },
    });
  }

  idempotencyKey(userId: string, key: string) {
    return this.prisma.idempotencyKey.findUnique({ where: { userId_key: { userId, key } } });
  }

  /** Orders whose seat hold ran out while the payment was still pending. */
  expiredHolds(now: Date, limit: number) {
    return this.prisma.order.findMany({
      where: { status: "PENDING_PAYMENT", holdExpiresAt: { lt: now } },
      orderBy: { holdExpiresAt: "asc" },
      take: limit,
      select: { id: true },
    });
  }

  /** Payments with no provider answer since `before` (the process died or the provider timed out). */
  unansweredPayments(before: Date, limit: number) {
    return this.prisma.payment.findMany({
      where: { status: "PENDING", createdAt: { lt: before }, order: { status: "PENDING_PAYMENT" } },
      orderBy: { createdAt: "asc" },
      take: limit,
    });
  }

  /** Refunds still PENDING since `before`: never submitted, or no webhook yet. */
  pendingRefunds(before: Date, limit: number) {
    return this.prisma.refund.findMany({
      where: { status: "PENDING", updatedAt: { lt: before } },
      orderBy: { createdAt: "asc" },
      take: limit,
    });
  }

  /** Outside any request (services after a write, the reconciler). */
  byIdFresh(id: string): Promise<OrderRow | null> {
    return this.prisma.order.findUnique({ where: { id } });
  }

  paymentsOf(orderId: string): Promise<PaymentRow[]> {
    return this.prisma.payment.findMany({ where: { orderId }, orderBy: { createdAt: "asc" } });
  }

  paymentById(id: string) {
    return this.prisma.payment.findUnique({ where: { id } });
  }

  refundById(id: string) {
    return this.prisma.refund.findUnique({ where: { id } });
  }
}
