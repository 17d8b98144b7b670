import { randomUUID } from "node:crypto";
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { HeaderMap, type ApolloServer, type BaseContext } from "@apollo/server";
import { traceIdFromTraceparent, withLogContext, type Logger } from "@campus/logging";
import { ifNoneMatchHits, strongEtag } from "./conditional-get";
import { SERVER_KEEP_ALIVE_MS } from "./service-fetch";

export interface RouteResult {
  status: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is (set a content-type header). */
  raw?: Buffer | string;
  headers?: Record<string, string>;
}

/** A plain GET route next to /graphql (health checks, JWKS, the explorer's files). */
export type Route = (req: IncomingMessage) => Promise<RouteResult>;

/**
 * A POST endpoint for a third party (a payment provider's webhook) next to
 * /graphql. It gets the raw body, because its proof is a signature over those
 * exact bytes, and no router proof: it must check its caller itself.
 */
export type WebhookRoute = (req: IncomingMessage, rawBody: string) => Promise<RouteResult>;

/**
 * Requests under a path prefix, any method, handed over unread (files at
 * signed URLs): a file is too large to buffer, so the route streams the body
 * and enforces its own size limit, and proves its caller itself (a signature
 * in the URL, no router proof).
 */
export type StreamRoute = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** A GraphQL request as it arrived, before Apollo sees it. */
export interface IncomingGraphQLRequest {
  method: string;
  /** Path and query string. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Authentication<A> = { accepted: A; refused?: undefined } | { accepted?: undefined; refused: string };

export interface GraphQLHttpOptions<TContext extends BaseContext, A = undefined> {
  apollo: ApolloServer<TContext>;
  logger: Logger;
  port: number;
  host?: string;
  /**
   * Checks every GraphQL request before Apollo parses it; a refusal answers
   * 401 UNAUTHENTICATED and Apollo never sees the request. What it accepts is
   * handed to `context`.
   */
  authenticate?: (request: IncomingGraphQLRequest) => Authentication<A>;
  /** Builds the GraphQL context; may throw a GraphQLError (e.g. 401 for a bad token). */
  context: (req: IncomingMessage, requestId: string, accepted: A | undefined) => Promise<TContext>;
  /** Exact paths; a key ending in "/" serves every path below it. */
  routes?: Record<string, Route>;
  /** Exact paths answering POST with the raw body (see WebhookRoute). */
  webhooks?: Record<string, WebhookRoute>;
  /** Matched like `routes`, for every method; maxBodyBytes does not apply (see StreamRoute). */
  streams?: Record<string, StreamRoute>;
  /** Requests with a larger body are refused with 413 before parsing. */
  maxBodyBytes?: number;
  /** How long `close()` waits for in-flight requests before cutting them. */
  drainTimeoutMs?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish (bounded), then stops Apollo. */
  close(): Promise<void>;
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}

const errorBody = (message: string, code: string) => ({ errors: [{ message, extensions: { code } }] });

function routeFor<R>(routes: Record<string, R> | undefined, pathname: string): R | undefined {
  if (!routes) return undefined;
  if (routes[pathname]) return routes[pathname];
  const prefix = Object.keys(routes)
    .filter((key) => key.endsWith("/") && pathname.startsWith(key))
    .sort((a, b) => b.length - a.length)[0];
  return prefix ? routes[prefix] : undefined;
}

export async function serveGraphQL<TContext extends BaseContext, A = undefined>(
  options: GraphQLHttpOptions<TContext, A>,
): Promise<RunningServer> {
  const { apollo, logger } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 1_000_000;
  let inFlight = 0;
  let draining = false;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const route = routeFor(options.routes, url.pathname);
    if (route && (req.method === "GET" || req.method === "HEAD")) {
      const result = await route(req);
      if (result.raw === undefined) return sendJson(res, result.status, result.body, result.headers);
      res.writeHead(result.status, result.headers);
      return res.end(req.method === "HEAD" ? undefined : result.raw);
    }
    const webhook = options.webhooks?.[url.pathname];
    if (webhook && req.method === "POST") {
      let rawBody: string;
      try {
        rawBody = await readBody(req, maxBodyBytes);
      } catch (error) {
        if (error instanceof BodyTooLarge) return sendJson(res, 413, { error: "payload too large" });
        throw error;
      }
      const result = await webhook(req, rawBody);
      if (result.raw === undefined) return sendJson(res, result.status, result.body ?? {}, result.headers);
      // a page for a person (e.g. notification's unsubscribe form), as routes answer
      res.writeHead(result.status, result.headers);
      return res.end(result.raw);
    }
    const stream = routeFor(options.streams, url.pathname);
    if (stream) {
      try {
        return await stream(req, res);
      } catch (error) {
        if (!res.headersSent) throw error;
        // a body cut short must not look complete to the client
        logger.error({ err: error }, "streamed response failed");
        return void res.destroy();
      }
    }
    if (url.pathname !== "/graphql" && url.pathname !== "/") {
      return sendJson(res, 404, { error: "not found" });
    }
    const requestId = (req.headers["x-request-id"] as string | undefined) ?? randomUUID();
    const traceId = traceIdFromTraceparent(req.headers.traceparent as string | undefined);
    return withLogContext({ requestId, ...(traceId ? { traceId } : {}) }, async () => {
      let body: string;
      try {
        body = req.method === "POST" ? await readBody(req, maxBodyBytes) : "";
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          return sendJson(res, 413, errorBody(`Request body exceeds ${maxBodyBytes} bytes`, "PAYLOAD_TOO_LARGE"));
        }
        throw error;
      }
      let accepted: A | undefined;
      if (options.authenticate) {
        const verdict = options.authenticate({
          method: req.method ?? "GET",
          path: `${url.pathname}${url.search}`,
          headers: req.headers,
          body,
        });
        if (verdict.refused !== undefined) {
          return sendJson(res, 401, errorBody("This service answers Campus services only", "UNAUTHENTICATED"), {
            "x-request-id": requestId,
          });
        }
        accepted = verdict.accepted;
      }
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
      }
      let parsed: unknown = body;
      if (body && (headers.get("content-type") ?? "").includes("application/json")) {
        try {
          parsed = JSON.parse(body);
        } catch {
          return sendJson(res, 400, errorBody("Body is not valid JSON", "BAD_REQUEST"));
        }
      }
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? "GET", headers, search: url.search, body: parsed },
        context: () => options.context(req, requestId, accepted),
      });
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.setHeader("x-request-id", requestId);
      res.statusCode = response.status ?? 200;
      // a server that says nothing about caching must not be cached (the router's plugin says when it may)
      const cacheControl = response.headers.get("cache-control") ?? "no-store";
      res.setHeader("cache-control", cacheControl);
      if (response.body.kind === "complete") {
        if (req.method === "GET" && res.statusCode === 200 && cacheControl !== "no-store") {
          const etag = strongEtag(response.body.string, response.headers.get("content-type") ?? "");
          res.setHeader("etag", etag);
          if (ifNoneMatchHits(req.headers["if-none-match"], etag)) {
            // RFC 9110 §15.4.5: the validators and caching headers, no body
            res.statusCode = 304;
            res.removeHeader("content-type");
            return res.end();
          }
        }
        return res.end(response.body.string);
      }
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    });
  };

  const server = http.createServer((req, res) => {
    if (draining) {
      res.setHeader("connection", "close");
    }
    inFlight += 1;
    handle(req, res)
      .catch((error) => {
        logger.error({ err: error }, "request failed outside GraphQL");
        if (!res.headersSent) sendJson(res, 500, errorBody("Internal server error", "INTERNAL"));
        else res.end();
      })
      .finally(() => {
        inFlight -= 1;
      });
  });
  server.keepAliveTimeout = SERVER_KEEP_ALIVE_MS;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host && options.host !== "0.0.0.0" ? options.host : "127.0.0.1";

  return {
    url: `http://${host}:${port}`,
    port,
    async close() {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = Date.now() + (options.drainTimeoutMs ?? 10_000);
      while (inFlight > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        server.closeIdleConnections();
      }
      server.closeAllConnections();
      await closed;
      await apollo.stop();
    },
  };
}
