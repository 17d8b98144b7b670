import type { CacheHints } from "@campus/subgraph";

/** Carts, orders and what the viewer bought depend on who asks (docs/http-caching.md). */
export const commerceCacheHints: CacheHints = {
  "Course.viewerHasPurchased": { scope: "PRIVATE" },
  "Query.cart": { scope: "PRIVATE" },
  "Query.order": { scope: "PRIVATE" },
  "Query.orders": { scope: "PRIVATE" },
  "Query.adminOrders": { scope: "PRIVATE" },
  "User.orders": { scope: "PRIVATE" },
};
