import type { ApolloServerPlugin } from "@apollo/server";
import { rateLimited } from "@campus/errors";
import type { SharedStore } from "@campus/kv";
import { fragmentsOf, rootFields } from "../operation";
import type { RouterContext } from "./authorization";

export interface RateLimits {
  perMinute: number;
  /** For the operations that hand out sessions: brute force and signup spam. */
  authPerMinute: number;
}

const SESSION_OPERATIONS = new Set(["register", "login", "refreshTokens"]);
const WINDOW_MS = 60_000;

/**
 * Sliding windows in the SharedStore, so every router replica counts
 * together. Each root field has its own budget per caller (user id, else
 * client IP), and every occurrence counts: `{ a: login(…) b: login(…) }` is
 * two logins, and what else shares the document changes nothing. Session
 * fields (register, login, refreshTokens) are counted per IP whoever claims
 * to call them, against the stricter budget.
 */
export function rateLimitPlugin(store: SharedStore, limits: RateLimits): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          if (!operation) return;
          const occurrences = new Map<string, number>();
          for (const field of rootFields(operation, fragmentsOf(document))) {
            const name = field.name.value;
            if (name.startsWith("__")) continue;
            occurrences.set(name, (occurrences.get(name) ?? 0) + 1);
          }
          const { viewer } = contextValue;
          const ip = `ip:${viewer.clientIp ?? "unknown"}`;
          const verdicts = await Promise.all(
            [...occurrences].map(([name, count]) => {
              const session = SESSION_OPERATIONS.has(name);
              const caller = session || !viewer.userId ? ip : `user:${viewer.userId}`;
              return store.slidingWindow(`ratelimit:${caller}:${operation.operation}:${name}`, {
                windowMs: WINDOW_MS,
                limit: session ? limits.authPerMinute : limits.perMinute,
                record: true,
                weight: count,
              });
            }),
          );
          const refused = verdicts.filter((verdict) => !verdict.allowed);
          if (refused.length > 0) {
            throw rateLimited(Math.ceil(Math.max(...refused.map((verdict) => verdict.retryAfterMs)) / 1000));
          }
        },
      };
    },
  };
}
