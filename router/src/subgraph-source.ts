import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import { identityHeaders, signRequest } from "@campus/auth";
import { DomainError } from "@campus/errors";
import { serviceFetch } from "@campus/http";
import { currentLogContext, type Logger } from "@campus/logging";
import type { RouterContext } from "./plugins/authorization";

/**
 * Calls one subgraph: attaches the caller's identity and the router's proof,
 * the request id for log correlation, and bounds the wait. The proof is
 * computed in the fetcher, over the exact method, path and body that go on
 * the wire (see @campus/auth internal-identity.ts).
 */
export class SubgraphSource extends RemoteGraphQLDataSource<RouterContext> {
  constructor(
    private readonly name: string,
    url: string,
    secret: string,
    timeoutMs: number,
    private readonly logger: Logger,
  ) {
    super({
      url,
      fetcher: (async (input: string, init: { method: string; headers: Record<string, string>; body: string }) => {
        const target = new URL(input);
        const proof = signRequest(
          secret,
          { method: init.method, path: `${target.pathname}${target.search}`, body: init.body },
          init.headers,
        );
        return serviceFetch(input, {
          ...init,
          headers: { ...init.headers, ...proof },
          signal: AbortSignal.timeout(timeoutMs),
        });
      }) as never,
    });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>) {
    const headers = request.http?.headers;
    if (!headers) return;
    const viewer = "viewer" in context && context.viewer ? context.viewer : { userId: null, roles: [] };
    for (const [name, value] of Object.entries(identityHeaders(viewer))) headers.set(name, value);
    const log = currentLogContext();
    if (log?.requestId) headers.set("x-request-id", log.requestId);
  }

  /**
   * A subgraph that does not answer in time, or cannot be reached, is the
   * service being unavailable (SERVICE_UNAVAILABLE, HTTP 503), never an
   * internal error: the client did nothing wrong and may retry (mutations
   * with their idempotency key).
   */
  override async process(options: GraphQLDataSourceProcessOptions<RouterContext>) {
    try {
      return await super.process(options);
    } catch (error) {
      if (!unreachable(error)) throw error;
      this.logger.warn({ subgraph: this.name, err: error }, "subgraph did not answer");
      throw new DomainError(
        "SERVICE_UNAVAILABLE",
        `Part of Campus (${this.name}) did not answer in time; try again shortly`,
      );
    }
  }

  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource["errorFromResponse"]>[0]) {
    if (response.status === 401) {
      this.logger.error(
        { subgraph: this.name, url: response.url },
        "subgraph refused the router's proof: INTERNAL_AUTH_SECRET differs between the router and this subgraph",
      );
    }
    return super.errorFromResponse(response);
  }
}

/**
 * fetch's own failures: the timeout's abort, and undici's "fetch failed" for
 * a refused or reset connection or an unknown host. Matched by name, not
 * instanceof: undici's errors come from Node's realm.
 */
function unreachable(error: unknown): boolean {
  const { name, message } = (error ?? {}) as { name?: string; message?: string };
  return name === "TimeoutError" || name === "AbortError" || (name === "TypeError" && message === "fetch failed");
}
