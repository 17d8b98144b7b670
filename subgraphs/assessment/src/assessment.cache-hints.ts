import type { CacheHints } from "@campus/subgraph";

/** Who sees which assignments and grades depends on who asks (docs/http-caching.md). */
export const assessmentCacheHints: CacheHints = {
  "Course.assignments": { scope: "PRIVATE" },
  "Course.gradebook": { scope: "PRIVATE" },
  "Query.assignment": { scope: "PRIVATE" },
};
