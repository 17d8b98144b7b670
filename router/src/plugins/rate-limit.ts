import type { ApolloServerPlugin } from "@apollo/server";
import { rateLimited } from "@campus/errors";
import type { SharedStore } from "@campus/kv";
import { rootFields } from "../operation";
import type { RouterContext } from "./authorization";

export interface RateLimits {
  perMinute: number;
  /** For the operations that hand out sessions: brute force and signup spam. */
  authPerMinute: number;
}

const SESSION_OPERATIONS = new Set(["register", "login", "refreshTokens"]);
const WINDOW_MS = 60_000;

/**
 * Sliding window per caller (user id, else client IP) and per operation (its
 * root fields), in the SharedStore so every router replica counts together.
 * Session operations are limited per IP whoever claims to call them.
 */
export function rateLimitPlugin(store: SharedStore, limits: RateLimits): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          if (!operation) return;
          const fragments = Object.fromEntries(
            document.definitions.flatMap((d) => (d.kind === "FragmentDefinition" ? [[d.name.value, d]] : [])),
          );
          const names = [...new Set(rootFields(operation, fragments).map((field) => field.name.value))].sort();
          const { viewer } = contextValue;
          const sessionOperation = names.some((name) => SESSION_OPERATIONS.has(name));
          const caller =
            sessionOperation || !viewer.userId ? `ip:${viewer.clientIp ?? "unknown"}` : `user:${viewer.userId}`;
          const result = await store.slidingWindow(`ratelimit:${caller}:${operation.operation}:${names.join(",")}`, {
            windowMs: WINDOW_MS,
            limit: sessionOperation ? limits.authPerMinute : limits.perMinute,
            record: true,
          });
          if (!result.allowed) throw rateLimited(Math.ceil(result.retryAfterMs / 1000));
        },
      };
    },
  };
}
