import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verifySignedRequest } from "@campus/auth";
import { SERVER_KEEP_ALIVE_MS } from "@campus/http";
import type { CatalogCourse } from "../src/data/catalog-client";

/**
 * Stands in for the catalog subgraph over real HTTP: answers the federation
 * `_entities` query for Course from an in-memory map, null for unknown ids,
 * the way catalog does, and like catalog refuses (401) a request without a
 * valid proof of INTERNAL_AUTH_SECRET. Keeps idle connections as long as
 * real Campus servers do. Counts requests so tests can check batching.
 */
export class FakeCatalog {
  readonly courses = new Map<string, CatalogCourse>();
  requests: { ids: string[] }[] = [];
  private server?: Server;
  url = "";

  constructor(private readonly secret: string) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      req.on("end", () => {
        const proof = verifySignedRequest(
          this.secret,
          { method: req.method ?? "", path: req.url ?? "", body },
          req.headers,
        );
        if (proof.refusal) {
          res.writeHead(401, { "content-type": "application/json" });
          res.end(JSON.stringify({ errors: [{ message: proof.refusal, extensions: { code: "UNAUTHENTICATED" } }] }));
          return;
        }
        const { query, variables } = JSON.parse(body) as {
          query: string;
          variables: { r: { __typename: string; id: string }[] };
        };
        const ok = req.headers["content-type"] === "application/json" && query.includes("_entities");
        const ids = variables.r.map((rep) => rep.id);
        this.requests.push({ ids });
        const facts = (id: string) => {
          const course = this.courses.get(id);
          return course ? { ...course, instructor: { id: course.instructorId } } : null;
        };
        res.writeHead(ok ? 200 : 400, { "content-type": "application/json" });
        res.end(
          JSON.stringify(
            ok
              ? { data: { facts: ids.map(facts), modules: ids.map((id) => this.courses.get(id) ?? null) } }
              : { errors: [{ message: "bad request" }] },
          ),
        );
      });
    });
    this.server.keepAliveTimeout = SERVER_KEEP_ALIVE_MS;
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/graphql`;
    return this;
  }

  /** Adds a course (free, published, unlimited, three modules unless told otherwise). */
  add(overrides: Partial<CatalogCourse> = {}): CatalogCourse {
    const course: CatalogCourse = {
      id: randomUUID(),
      instructorId: randomUUID(),
      status: "PUBLISHED",
      price: { amount: 0, currency: "EUR" },
      capacity: null,
      modules: [{ id: randomUUID() }, { id: randomUUID() }, { id: randomUUID() }],
      ...overrides,
    };
    this.courses.set(course.id, course);
    return course;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server?.close((error) => (error ? reject(error) : resolve())));
  }
}
