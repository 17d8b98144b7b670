import http from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger } from "@campus/logging";
import { MemoryStore } from "@campus/kv";
import { routerConfigSchema } from "./config";
import { createRouter } from "./router";

/**
 * A subgraph that hangs past SUBGRAPH_TIMEOUT_MS, or whose port refuses
 * connections, gives the client SERVICE_UNAVAILABLE with HTTP 503, not
 * INTERNAL: seen under load, where checkouts got "Internal server error".
 */
describe("router: a subgraph that does not answer", () => {
  const sockets = new Set<import("node:net").Socket>();
  const hanging = http.createServer(() => undefined);
  hanging.on("connection", (socket) => sockets.add(socket));
  let router: { url: string; stop(): Promise<void> };

  beforeAll(async () => {
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    const hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/graphql`;
    const config = routerConfigSchema.parse({
      NODE_ENV: "test",
      PORT: "0",
      SUBGRAPH_TIMEOUT_MS: "300",
      RATE_LIMIT_ENABLED: "false",
      CATALOG_URL: hangingUrl,
      // nothing listens on port 9 (discard) here: connection refused
      SEARCH_URL: "http://127.0.0.1:9/graphql",
    });
    const created = await createRouter(
      { ...config, INTERNAL_AUTH_SECRET: "s".repeat(40) },
      { store: new MemoryStore(), logger: createLogger("router", "silent") },
    );
    router = await created.start(0);
  });
  afterAll(async () => {
    await router?.stop();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => hanging.close(resolve));
  });

  it.each([
    ["hangs", "{ categories { id } }", "catalog"],
    ["refuses connections", '{ suggestCourses(prefix: "py") { text } }', "search"],
  ])("one that %s: SERVICE_UNAVAILABLE, HTTP 503", async (_what, query, subgraph) => {
    const response = await fetch(`${router.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors.map((error) => error.extensions.code)).toEqual(["SERVICE_UNAVAILABLE"]);
    expect(body.errors[0]!.message).toContain(subgraph);
    expect(response.status).toBe(503);
  });
});
