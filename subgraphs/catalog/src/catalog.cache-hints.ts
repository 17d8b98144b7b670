import type { CacheHints } from "@campus/subgraph";

/**
 * How long the public catalog may be cached (docs/http-caching.md). Listings
 * and lookups carry no scope: an instructor or admin also sees drafts there,
 * so only anonymous answers are shared; categories are the same for everyone.
 */
export const catalogCacheHints: CacheHints = {
  "Query.courses": { maxAge: 60 },
  "Query.course": { maxAge: 300 },
  "Query.courseBySlug": { maxAge: 300 },
  "Query.categories": { maxAge: 3600, scope: "PUBLIC" },
  CourseConnection: { inheritMaxAge: true },
  CourseEdge: { inheritMaxAge: true },
  PageInfo: { inheritMaxAge: true },
  Course: { maxAge: 300 },
  "Course.instructor": { maxAge: 300 },
  Module: { maxAge: 300 },
  Money: { inheritMaxAge: true },
  Category: { maxAge: 3600, scope: "PUBLIC" },
};
