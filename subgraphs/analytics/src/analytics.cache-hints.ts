import type { CacheHints } from "@campus/subgraph";

/** Reports are for admins and instructors only (docs/http-caching.md). */
export const analyticsCacheHints: CacheHints = {
  "Query.platformReport": { scope: "PRIVATE" },
  "Query.courseReport": { scope: "PRIVATE" },
};
