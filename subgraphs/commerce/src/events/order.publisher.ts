import type { LockedOrder } from "../data/order.writes";

/** What commerce's order events say about an order. */
export function orderFacts(order: LockedOrder) {
  return {
    orderId: order.id,
    number: order.number,
    userId: order.userId,
    total: { amount: order.totalAmount, currency: order.currency },
    items: order.items.map((item) => ({
      orderItemId: item.id,
      courseId: item.courseId,
      price: { amount: item.priceAmount, currency: item.currency },
    })),
  };
}

/** The refunded items as refund events carry them. */
export function refundedItems(order: LockedOrder, itemIds: string[]) {
  return order.items
    .filter((item) => itemIds.includes(item.id))
    .map((item) => ({
      orderItemId: item.id,
      courseId: item.courseId,
      price: { amount: item.priceAmount, currency: item.currency },
      enrollmentId: item.enrollmentId,
    }));
}
