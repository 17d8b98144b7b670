import type { CacheHints } from "@campus/subgraph";

/**
 * Accounts are read by their owner and admins; partners are admins' (docs/http-caching.md).
 * A user's name is public (an instructor on a course page) and takes its parent's hint.
 */
export const identityCacheHints: CacheHints = {
  "Query.me": { scope: "PRIVATE" },
  "Query.user": { scope: "PRIVATE" },
  "Query.users": { scope: "PRIVATE" },
  "Query.partners": { scope: "PRIVATE" },
  "User.email": { scope: "PRIVATE" },
  "User.status": { scope: "PRIVATE" },
};
