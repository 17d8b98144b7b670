import type { CacheHints } from "@campus/subgraph";

/** Search reads published courses only: the same answer for every caller (docs/http-caching.md). */
export const searchCacheHints: CacheHints = {
  "Query.searchCourses": { maxAge: 60, scope: "PUBLIC" },
  "Query.suggestCourses": { maxAge: 300, scope: "PUBLIC" },
  CourseSearchConnection: { inheritMaxAge: true },
  CourseSearchEdge: { inheritMaxAge: true },
  SearchFacet: { inheritMaxAge: true },
  SearchFacetBucket: { inheritMaxAge: true },
  CourseSuggestion: { inheritMaxAge: true },
  PageInfo: { inheritMaxAge: true },
  "Query.searchIndexStatus": { scope: "PRIVATE" },
};
