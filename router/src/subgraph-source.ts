import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import { signIdentityHeaders } from "@campus/auth";
import { currentLogContext } from "@campus/logging";
import type { RouterContext } from "./plugins/authorization";

/**
 * Calls one subgraph: attaches the caller's identity with the router's proof,
 * the request id for log correlation, and bounds the wait. Connections are
 * kept alive by Node's fetch (undici pools per origin).
 */
export class SubgraphSource extends RemoteGraphQLDataSource<RouterContext> {
  constructor(
    url: string,
    private readonly secret: string,
    private readonly timeoutMs: number,
  ) {
    super({
      url,
      fetcher: ((input: string, init: RequestInit) =>
        fetch(input, { ...init, signal: AbortSignal.timeout(this.timeoutMs) })) as never,
    });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>) {
    const headers = request.http?.headers;
    if (!headers) return;
    const viewer = "viewer" in context && context.viewer ? context.viewer : { userId: null, roles: [] };
    for (const [name, value] of Object.entries(signIdentityHeaders(this.secret, viewer))) headers.set(name, value);
    const log = currentLogContext();
    if (log?.requestId) headers.set("x-request-id", log.requestId);
  }
}
