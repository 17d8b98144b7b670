import type { CacheHints } from "@campus/subgraph";

/** Every notification field is the viewer's own (docs/http-caching.md). */
export const notificationCacheHints: CacheHints = {
  "Query.notifications": { scope: "PRIVATE" },
  "Query.notificationPreferences": { scope: "PRIVATE" },
  "Query.emailDeliveries": { scope: "PRIVATE" },
};
