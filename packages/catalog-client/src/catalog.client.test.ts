import { randomUUID } from "node:crypto";
import { createLogger } from "@campus/logging";
import { LoaderRegistry } from "@campus/subgraph";
import { FakeCatalog } from "./fake-catalog";
import { CatalogClient, CatalogUnavailableError, type FetchLike } from "./catalog.client";

const SECRET = "s".repeat(32);

describe("CatalogClient", () => {
  const logger = createLogger("enrollment", "silent");
  let catalog: FakeCatalog;
  beforeAll(async () => {
    catalog = await FakeCatalog.start(SECRET);
  });
  afterAll(async () => {
    await catalog.stop();
  });

  it("asks catalog once for every course a request needs, in order, null when unknown", async () => {
    const client = new CatalogClient({ url: () => catalog.url, secret: SECRET, logger });
    const [a, b] = [catalog.add(), catalog.add({ capacity: 3 })];
    const unknown = randomUUID();
    const loaders = new LoaderRegistry();
    catalog.forgetRequests();
    const results = await Promise.all([a.id, unknown, b.id, a.id].map((id) => client.course(loaders, id)));
    expect(results).toEqual([a, null, b, a]);
    expect(catalog.requests).toEqual([{ ids: [a.id, unknown, b.id] }]);
  });

  it("asks catalog once for every module a request needs, each with its course's facts", async () => {
    const client = new CatalogClient({ url: () => catalog.url, secret: SECRET, logger });
    const course = catalog.add({ status: "DRAFT" });
    const [first, second] = course.modules;
    const loaders = new LoaderRegistry();
    catalog.forgetRequests();
    const unknown = randomUUID();
    const results = await Promise.all([first!.id, unknown, second!.id].map((id) => client.module(loaders, id)));
    const facts = { id: course.id, instructorId: course.instructorId, status: "DRAFT" };
    expect(results).toEqual([{ id: first!.id, course: facts }, null, { id: second!.id, course: facts }]);
    expect(catalog.requests).toEqual([{ ids: [first!.id, unknown, second!.id] }]);
  });

  it("signs its requests: catalog refuses a client holding another secret", async () => {
    const client = new CatalogClient({ url: () => catalog.url, secret: "t".repeat(32), logger });
    await expect(client.course(new LoaderRegistry(), catalog.add().id)).rejects.toBeInstanceOf(CatalogUnavailableError);
  });

  it("does not call catalog for an id that cannot be a course", async () => {
    const client = new CatalogClient({ url: () => catalog.url, secret: SECRET, logger });
    catalog.forgetRequests();
    await expect(client.course(new LoaderRegistry(), "nope")).resolves.toBeNull();
    expect(catalog.requests).toHaveLength(0);
  });

  it("fails with CatalogUnavailableError, SERVICE_UNAVAILABLE to a caller with no fallback, and logs", async () => {
    const error = jest.fn();
    const client = new CatalogClient({
      url: () => "http://127.0.0.1:1/graphql",
      secret: SECRET,
      logger: { ...logger, error } as never,
    });
    const failure = await client.course(new LoaderRegistry(), randomUUID()).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CatalogUnavailableError);
    expect((failure as { extensions?: { code?: string } }).extensions?.code).toBe("SERVICE_UNAVAILABLE");
    // the cause goes to the log, not to the client
    expect((failure as Error).message).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|fetch failed/);
    expect(error).toHaveBeenCalledTimes(1);
  });

  it("gives up after the timeout", async () => {
    // Never answers; only the abort signal ends the wait.
    const hanging: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => init.signal.addEventListener("abort", () => reject(init.signal.reason)));
    const client = new CatalogClient({ url: () => catalog.url, secret: SECRET, timeoutMs: 50, fetch: hanging, logger });
    const started = Date.now();
    await expect(client.course(new LoaderRegistry(), randomUUID())).rejects.toBeInstanceOf(CatalogUnavailableError);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("treats a GraphQL error answer as unavailable", async () => {
    const broken: FetchLike = async () => ({
      ok: true,
      status: 200,
      json: async () => ({ errors: [{ message: "boom" }] }),
    });
    const client = new CatalogClient({ url: () => catalog.url, secret: SECRET, fetch: broken, logger });
    await expect(client.course(new LoaderRegistry(), randomUUID())).rejects.toBeInstanceOf(CatalogUnavailableError);
  });
});
