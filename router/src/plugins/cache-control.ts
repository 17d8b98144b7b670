import type { ApolloServerPlugin } from "@apollo/server";
import type { CacheHints } from "@campus/subgraph";
import type { Logger } from "@campus/logging";
import { fragmentsOf } from "../operation";
import type { RouterContext } from "./authorization";
import { cacheControlHeader, cachePolicyOf, UNCACHEABLE, unknownHintKeys } from "./cache-policy";

/**
 * Writes Cache-Control on every router response (docs/http-caching.md). It
 * replaces Apollo's own cache control plugin, which the router disables:
 * behind a gateway that plugin sees no resolved field and answers `no-store`
 * to everything.
 */
export function cacheControlPlugin(hints: CacheHints, logger: Logger): ApolloServerPlugin<RouterContext> {
  return {
    async serverWillStart({ schema }) {
      const unknown = unknownHintKeys(schema, hints);
      // a supergraph of fakes (tests) names none of the list's types; the real one is checked by its test
      if (unknown.length > 0) logger.debug({ unknown }, "cache hints naming nothing in the supergraph");
    },
    async requestDidStart() {
      return {
        async willSendResponse({ request, response, operation, document, schema, contextValue }) {
          const single = response.body.kind === "single" ? response.body.singleResult : undefined;
          const header =
            operation && document && single
              ? cacheControlHeader({
                  method: request.http?.method ?? "POST",
                  operation: operation.operation,
                  hasErrors: Boolean(single.errors?.length),
                  // a partner key is a credential too: its answers never go to another caller
                  signedIn: Boolean(contextValue.viewer?.userId || contextValue.viewer?.partner),
                  policy: () => cachePolicyOf(schema, operation, fragmentsOf(document), hints),
                })
              : UNCACHEABLE;
          response.http.headers.set("cache-control", header);
          if (header === UNCACHEABLE) return;
          // a shared cache keeps the anonymous answer apart from a signed-in caller's (or a partner key's), and
          // application/json apart from application/graphql-response+json (Apollo picks by Accept)
          const vary = (response.http.headers.get("vary") ?? "").split(",").map((name) => name.trim());
          for (const name of ["Accept", "Authorization", "X-Api-Key"]) {
            if (!vary.some((present) => present.toLowerCase() === name.toLowerCase())) vary.push(name);
          }
          response.http.headers.set("vary", vary.filter(Boolean).join(", "));
        },
      };
    },
  };
}
