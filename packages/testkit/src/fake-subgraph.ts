import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verifySignedRequest } from "@campus/auth";
import { SERVER_KEEP_ALIVE_MS } from "@campus/http";

export interface FakeSubgraph {
  /** Its GraphQL endpoint. */
  url: string;
  /** The bodies it was sent, in order. */
  requests: { query: string; variables: Record<string, any> }[];
  stop(): Promise<void>;
}

/**
 * A stand-in for a neighbouring subgraph over real HTTP, for one subgraph's
 * tests: it refuses (401) requests without a valid proof of `secret`, as a
 * real subgraph does, keeps idle connections as long as Campus servers do,
 * and answers each GraphQL request with what `answer` returns.
 */
export async function startFakeSubgraph(
  secret: string,
  answer: (request: { query: string; variables: Record<string, any> }) => unknown,
): Promise<FakeSubgraph> {
  const requests: FakeSubgraph["requests"] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      const proof = verifySignedRequest(secret, { method: req.method ?? "", path: req.url ?? "", body }, req.headers);
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(payload));
      };
      if (proof.refusal) {
        return reply(401, { errors: [{ message: proof.refusal, extensions: { code: "UNAUTHENTICATED" } }] });
      }
      const request = JSON.parse(body) as { query: string; variables?: Record<string, any> };
      const parsed = { query: request.query, variables: request.variables ?? {} };
      requests.push(parsed);
      reply(200, answer(parsed));
    });
  });
  server.keepAliveTimeout = SERVER_KEEP_ALIVE_MS;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    requests,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
