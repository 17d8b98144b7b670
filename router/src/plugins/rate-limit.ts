import type { ApolloServerPlugin } from "@apollo/server";
import { rateLimited } from "@campus/errors";
import type { SharedStore, SlidingWindowResult } from "@campus/kv";
import { fragmentsOf, rootFields } from "../operation";
import type { RouterContext } from "./authorization";

export interface RateLimits {
  perMinute: number;
  /** For the operations that hand out sessions: brute force and signup spam. */
  authPerMinute: number;
}

const SESSION_OPERATIONS = new Set(["register", "login", "refreshTokens"]);
const WINDOW_MS = 60_000;

interface Window {
  limit: number;
  verdict: SlidingWindowResult;
}

/**
 * `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (IETF
 * draft-ietf-httpapi-ratelimit-headers) for the window closest to its limit.
 * Reset is in seconds: when a refused request may retry, else the window's
 * length (a sliding window frees its oldest slot at the latest then).
 */
function headersOf(windows: Window[]): [string, string][] {
  const tightest = windows
    .map((window) => ({ ...window, remaining: Math.max(0, window.limit - window.verdict.count) }))
    .sort((a, b) => a.remaining - b.remaining)[0];
  if (!tightest) return [];
  const reset = tightest.verdict.allowed ? WINDOW_MS : tightest.verdict.retryAfterMs;
  return [
    ["ratelimit-limit", String(tightest.limit)],
    ["ratelimit-remaining", String(tightest.verdict.allowed ? tightest.remaining : 0)],
    ["ratelimit-reset", String(Math.ceil(reset / 1000))],
  ];
}

/**
 * Sliding windows in the SharedStore, so every router replica counts
 * together. Each root field has its own budget per caller (user id, partner,
 * else client IP), and every occurrence counts: `{ a: login(…) b: login(…) }`
 * is two logins, and what else shares the document changes nothing. Session
 * fields (register, login, refreshTokens) are counted per IP whoever claims
 * to call them, against the stricter budget. A partner key also has its own
 * budget per operation it runs (its `requestsPerMinute`). Every answer says
 * where the caller stands (RateLimit-* headers); a refusal is 429 with
 * Retry-After.
 */
export function rateLimitPlugin(store: SharedStore, limits: RateLimits): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart() {
      let windows: Window[] = [];
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          if (!operation) return;
          const occurrences = new Map<string, number>();
          for (const field of rootFields(operation, fragmentsOf(document))) {
            const name = field.name.value;
            if (name.startsWith("__")) continue;
            occurrences.set(name, (occurrences.get(name) ?? 0) + 1);
          }
          const { viewer, partner } = contextValue;
          const ip = `ip:${viewer.clientIp ?? "unknown"}`;
          const person = partner ? `partner:${partner.id}` : viewer.userId ? `user:${viewer.userId}` : ip;
          const checks = [...occurrences].map(([name, count]) => {
            const session = SESSION_OPERATIONS.has(name);
            const limit = session ? limits.authPerMinute : limits.perMinute;
            return {
              limit,
              key: `ratelimit:${session ? ip : person}:${operation.operation}:${name}`,
              weight: count,
            };
          });
          if (partner) {
            const name = operation.name?.value ?? "(anonymous)";
            checks.push({
              limit: partner.requestsPerMinute,
              key: `ratelimit:partner-operation:${partner.id}:${name}`,
              weight: 1,
            });
          }
          windows = await Promise.all(
            checks.map(async ({ limit, key, weight }) => ({
              limit,
              verdict: await store.slidingWindow(key, { windowMs: WINDOW_MS, limit, record: true, weight }),
            })),
          );
          const refused = windows.filter((window) => !window.verdict.allowed);
          if (refused.length > 0) {
            throw rateLimited(Math.ceil(Math.max(...refused.map((window) => window.verdict.retryAfterMs)) / 1000));
          }
        },
        async willSendResponse({ response }) {
          for (const [name, value] of headersOf(windows)) response.http.headers.set(name, value);
        },
      };
    },
  };
}
