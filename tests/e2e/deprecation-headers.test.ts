import { randomUUID } from "node:crypto";
import { MemoryStore, RedisStore, type SharedStore } from "@campus/kv";
import { createLogger } from "@campus/logging";
import { composeSubgraphs, createRouter, deprecatedUsage, routerConfigSchema } from "@campus/router";
import { startFakeSubgraph, type FakeSubgraph } from "../support";

/**
 * Deprecation you can see (docs/api-lifecycle.md), on a router composed from
 * a test-only subgraph: the real API's deprecations come and go, these stay.
 */
const LEGACY_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query {
    rating(courseId: ID!): Int @deprecated(reason: "Use score. Deprecated 2026-09-01, removal 2027-03-01.")
    score(courseId: ID!, scale: Int @deprecated(reason: "Always out of 5 now")): Int
    grade(kind: GradeKind, filter: GradeFilter): String
    ping: String
  }
  enum GradeKind { LETTER PERCENT @deprecated(reason: "Deprecated since 2026-10-01; sunset 2027-01-15") }
  input GradeFilter { passedOnly: Boolean @deprecated(reason: "Deprecated 2026-11-01") minimum: Int }
`;
const SECRET = "d".repeat(40);
const DOCS = "https://docs.campus.test/api-lifecycle";

const stores: [string, () => SharedStore][] = [["memory", () => new MemoryStore()]];
if (process.env.TEST_REDIS_URL) {
  stores.push(["redis", () => new RedisStore(process.env.TEST_REDIS_URL!, `test:deprecation:${randomUUID()}:`)]);
}

describe.each(stores)("deprecation headers and usage counts (%s store)", (_name, openStore) => {
  let legacy: FakeSubgraph;
  let router: { url: string; stop(): Promise<void> };
  let store: SharedStore;
  let stopped = false;

  const call = async (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
    const response = await fetch(`${router.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    return { status: response.status, headers: response.headers, body };
  };

  beforeAll(async () => {
    legacy = await startFakeSubgraph(SECRET, () => ({ data: { rating: 4, score: 5, grade: "B", ping: "pong" } }));
    const composed = composeSubgraphs([{ name: "legacy", url: legacy.url, sdl: LEGACY_SDL }]);
    expect(composed.errors).toEqual([]);
    store = openStore();
    const config = routerConfigSchema.parse({ NODE_ENV: "test", PORT: "0", DEPRECATION_DOCS_URL: DOCS });
    const created = await createRouter(
      { ...config, INTERNAL_AUTH_SECRET: SECRET },
      {
        store,
        logger: createLogger("router", "silent"),
        supergraphSdl: composed.supergraphSdl!,
        // the list's permissions know no test-only field
        checks: { authorization: false, rateLimit: false, queryLimits: true },
      },
    );
    router = await created.start(0);
  });
  afterAll(async () => {
    if (!stopped) await router?.stop();
    await legacy?.stop();
    await store?.close();
  });

  it("dates Deprecation and Sunset from the reason, links the docs", async () => {
    const response = await call('{ rating(courseId: "c1") }', {}, { "apollographql-client-name": "mobile-app" });
    expect(response.body).toEqual({ data: { rating: 4 } });
    expect(response.headers.get("deprecation")).toBe(`@${Date.UTC(2026, 8, 1) / 1000}`);
    expect(response.headers.get("sunset")).toBe("Mon, 01 Mar 2027 00:00:00 GMT");
    expect(response.headers.get("link")).toBe(`<${DOCS}>; rel="deprecation"`);
  });

  it("says nothing when nothing deprecated is used", async () => {
    const response = await call('{ ping score(courseId: "c1") grade(kind: LETTER) }');
    expect(response.body.errors).toBeUndefined();
    expect(response.headers.get("deprecation")).toBeNull();
    expect(response.headers.get("sunset")).toBeNull();
    expect(response.headers.get("link")).toBeNull();
  });

  it("sees deprecated arguments, enum values and input fields, in the text or the variables", async () => {
    const before = Math.floor(Date.now() / 1000);
    const argument = await call('{ score(courseId: "c1", scale: 10) }', {}, { "apollographql-client-name": "web" });
    // undated: deprecated as of the response, and no Sunset
    const at = Number(argument.headers.get("deprecation")?.slice(1));
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    expect(argument.headers.get("sunset")).toBeNull();

    const enumValue = await call("query ($kind: GradeKind) { grade(kind: $kind) }", { kind: "PERCENT" });
    expect(enumValue.headers.get("deprecation")).toBe(`@${Date.UTC(2026, 9, 1) / 1000}`);
    expect(enumValue.headers.get("sunset")).toBe("Fri, 15 Jan 2027 00:00:00 GMT");

    const inputField = await call(
      "{ grade(filter: { passedOnly: true }) }",
      {},
      { "apollographql-client-name": "web" },
    );
    expect(inputField.headers.get("deprecation")).toBe(`@${Date.UTC(2026, 10, 1) / 1000}`);

    // the earliest of several: the operation has been deprecated since its first part was
    const both = await call(
      'query ($f: GradeFilter) { rating(courseId: "c1") grade(kind: PERCENT, filter: $f) }',
      { f: { passedOnly: false } },
      { "apollographql-client-name": "mobile-app" },
    );
    expect(both.headers.get("deprecation")).toBe(`@${Date.UTC(2026, 8, 1) / 1000}`);
    expect(both.headers.get("sunset")).toBe("Fri, 15 Jan 2027 00:00:00 GMT");
  });

  it("tells a refused operation too, but does not count it as used", async () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `r${i}: rating(courseId: "c1")`).join(" ");
    const refused = await call(`{ ${aliases} }`, {}, { "apollographql-client-name": "refused-client" });
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ extensions: { code: "BAD_USER_INPUT", limit: "aliases" } }),
    ]);
    expect(refused.headers.get("deprecation")).toBe(`@${Date.UTC(2026, 8, 1) / 1000}`);
  });

  it("counts each deprecated use per client and day in the store", async () => {
    // counts reach the store in batches; stopping the router writes what is left
    await router.stop();
    stopped = true;
    const day = new Date().toISOString().slice(0, 10);
    const rows = await deprecatedUsage(store, { days: 2 });
    expect(rows).toEqual([
      { client: "mobile-app", field: "GradeFilter.passedOnly", day, count: 1 },
      { client: "mobile-app", field: "GradeKind.PERCENT", day, count: 1 },
      { client: "mobile-app", field: "Query.rating", day, count: 2 },
      { client: "unknown", field: "GradeKind.PERCENT", day, count: 1 },
      { client: "web", field: "GradeFilter.passedOnly", day, count: 1 },
      { client: "web", field: "Query.score(scale:)", day, count: 1 },
    ]);
    // the key scheme docs/api-lifecycle.md gives (and nothing left behind in a shared Redis)
    const keys = rows.map(
      (row) => `deprecated-usage:${day}:${encodeURIComponent(row.client)}:${encodeURIComponent(row.field)}`,
    );
    expect(await store.getMany(keys)).toEqual(rows.map((row) => String(row.count)));
    await store.del(`deprecated-usage:${day}`, ...keys);
    expect(await deprecatedUsage(store, { days: 1 })).toEqual([]);
  });
});
