import { viewerIsAdmin, type Viewer } from "@campus/auth";
import { notFound, unauthenticated } from "@campus/errors";
import { decodeCursor, pageSize, toConnection, type LoaderRegistry } from "@campus/subgraph";
import type { OrderRow } from "../data/commerce.prisma";
import type { OrderFilter, OrderRepository } from "../data/order.repository";

/**
 * Reading orders. A buyer sees their own orders and admins see all; anyone
 * else gets NOT_FOUND, the same answer as for an id that does not exist, so
 * order ids cannot be probed.
 */
export class OrderService {
  constructor(private readonly orders: OrderRepository) {}

  async get(viewer: Viewer, loaders: LoaderRegistry, id: string): Promise<OrderRow> {
    if (!viewer.userId) throw unauthenticated();
    const order = await this.orders.byId(loaders, id);
    if (!order || (order.userId !== viewer.userId && !viewerIsAdmin(viewer))) throw notFound("Order");
    return order;
  }

  /** No access check: for fields of an order the caller already may see. */
  find(loaders: LoaderRegistry, id: string): Promise<OrderRow | null> {
    return this.orders.byId(loaders, id);
  }

  /** Newest first. Whose orders may be listed is the caller's decision (resolver or shield rule). */
  async list(filter: OrderFilter, first: number | null | undefined, after: string | null | undefined) {
    const size = pageSize(first);
    const { rows, totalCount } = await this.orders.page(filter, size, decodeCursor(after));
    return { ...toConnection(rows, size, (row) => ({ at: row.createdAt, id: row.id })), totalCount };
  }

  listForViewer(viewer: Viewer, first: number | null | undefined, after: string | null | undefined) {
    if (!viewer.userId) throw unauthenticated();
    return this.list({ userId: viewer.userId }, first, after);
  }

  items(loaders: LoaderRegistry, orderId: string) {
    return this.orders.items(loaders, orderId);
  }

  payments(loaders: LoaderRegistry, orderId: string) {
    return this.orders.payments(loaders, orderId);
  }

  refunds(loaders: LoaderRegistry, orderId: string) {
    return this.orders.refunds(loaders, orderId);
  }

  timeline(loaders: LoaderRegistry, orderId: string) {
    return this.orders.timeline(loaders, orderId);
  }

  /** False for anonymous callers: there is nothing "theirs". */
  async viewerHasPurchased(viewer: Viewer, loaders: LoaderRegistry, courseId: string): Promise<boolean> {
    if (!viewer.userId) return false;
    return (await this.orders.ownedCourseIds(loaders, viewer.userId)).has(courseId);
  }
}
