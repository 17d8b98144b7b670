import type { CacheHints } from "@campus/subgraph";

/** A module's contents are empty to those who neither teach, administer nor learn it (docs/http-caching.md). */
export const contentCacheHints: CacheHints = {
  "Module.contents": { scope: "PRIVATE" },
  "Query.content": { scope: "PRIVATE" },
};
