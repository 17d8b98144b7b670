import type { ApolloServerPlugin } from "@apollo/server";

/**
 * A subgraph that rate-limits (e.g. identity after repeated failed logins)
 * answers with a RATE_LIMITED error carrying `retryAfter`; the router turns it
 * into the HTTP 429 + Retry-After a client or proxy understands.
 */
export function retryAfterPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== "single") return;
          const limited = response.body.singleResult.errors?.find((error) => error.extensions?.code === "RATE_LIMITED");
          const retryAfter = Number(limited?.extensions?.retryAfter);
          if (!limited || !Number.isFinite(retryAfter)) return;
          response.http.status = 429;
          response.http.headers.set("retry-after", String(retryAfter));
        },
      };
    },
  };
}
