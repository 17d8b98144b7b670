/**
 * How long a client or a CDN may keep what a type or a field answers, in the
 * model of Apollo's `@cacheControl` directive (maxAge, scope, inheritMaxAge),
 * declared beside the subgraph's code instead of in its SDL: Apollo Gateway
 * runs no field resolvers, so the router computes the response's policy from
 * the operation and these hints (docs/http-caching.md).
 *
 * Keys are `Type` (every field returning that type) or `Type.field`.
 * - no scope: the same answer for every anonymous caller (a signed-in caller
 *   may see more, e.g. an instructor's own drafts);
 * - `PUBLIC`: the same answer for every caller, signed in or not;
 * - `PRIVATE`: the answer depends on who is asking.
 */
export interface CacheHint {
  maxAge?: number;
  scope?: "PUBLIC" | "PRIVATE";
  /** Take the parent field's maxAge (connections, edges, page info). */
  inheritMaxAge?: boolean;
}

export type CacheHints = Record<string, CacheHint>;
