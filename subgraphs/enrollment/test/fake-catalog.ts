import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { CatalogCourse } from "../src/data/catalog-client";

/**
 * Stands in for the catalog subgraph over real HTTP: answers the federation
 * `_entities` query for Course from an in-memory map, null for unknown ids,
 * the way catalog does. Counts requests so tests can check batching.
 */
export class FakeCatalog {
  readonly courses = new Map<string, CatalogCourse>();
  requests: { ids: string[] }[] = [];
  private server?: Server;
  url = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      req.on("end", () => {
        const { query, variables } = JSON.parse(body) as {
          query: string;
          variables: { r: { __typename: string; id: string }[] };
        };
        const ok = req.headers["content-type"] === "application/json" && query.includes("_entities");
        const ids = variables.r.map((rep) => rep.id);
        this.requests.push({ ids });
        res.writeHead(ok ? 200 : 400, { "content-type": "application/json" });
        res.end(
          JSON.stringify(
            ok
              ? {
                  data: {
                    facts: ids.map((id) => this.courses.get(id) ?? null),
                    modules: ids.map((id) => this.courses.get(id) ?? null),
                  },
                }
              : { errors: [{ message: "bad request" }] },
          ),
        );
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/graphql`;
    return this;
  }

  /** Adds a course (free, published, unlimited, three modules unless told otherwise). */
  add(overrides: Partial<CatalogCourse> = {}): CatalogCourse {
    const course: CatalogCourse = {
      id: randomUUID(),
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
