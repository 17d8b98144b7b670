import { randomUUID } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { HeaderMap, type ApolloServer, type BaseContext } from "@apollo/server";
import { traceIdFromTraceparent, withLogContext, type Logger } from "@campus/logging";

/** A plain route next to /graphql (health checks, JWKS). */
export type Route = (
  req: IncomingMessage,
) => Promise<{ status: number; body: unknown; headers?: Record<string, string> }>;

export interface GraphQLHttpOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  logger: Logger;
  port: number;
  host?: string;
  /** Builds the GraphQL context; may throw a GraphQLError (e.g. 401 for a bad token). */
  context: (req: IncomingMessage, requestId: string) => Promise<TContext>;
  routes?: Record<string, Route>;
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

export async function serveGraphQL<TContext extends BaseContext>(
  options: GraphQLHttpOptions<TContext>,
): Promise<RunningServer> {
  const { apollo, logger } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 1_000_000;
  let inFlight = 0;
  let draining = false;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const route = options.routes?.[url.pathname];
    if (route && req.method === "GET") {
      const result = await route(req);
      return sendJson(res, result.status, result.body, result.headers);
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
          return sendJson(res, 413, {
            errors: [
              { message: `Request body exceeds ${maxBodyBytes} bytes`, extensions: { code: "PAYLOAD_TOO_LARGE" } },
            ],
          });
        }
        throw error;
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
          return sendJson(res, 400, {
            errors: [{ message: "Body is not valid JSON", extensions: { code: "BAD_REQUEST" } }],
          });
        }
      }
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? "GET", headers, search: url.search, body: parsed },
        context: () => options.context(req, requestId),
      });
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.setHeader("x-request-id", requestId);
      res.statusCode = response.status ?? 200;
      if (response.body.kind === "complete") return res.end(response.body.string);
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
        if (!res.headersSent)
          sendJson(res, 500, { errors: [{ message: "Internal server error", extensions: { code: "INTERNAL" } }] });
        else res.end();
      })
      .finally(() => {
        inFlight -= 1;
      });
  });
  server.keepAliveTimeout = 65_000;

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
