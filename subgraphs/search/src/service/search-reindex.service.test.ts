import { MemoryStore } from "@campus/kv";
import { createLogger } from "@campus/logging";
import { CourseSources, SourceUnavailableError } from "./course-sources";
import { SearchReindexService } from "./search-reindex.service";

/**
 * One rebuild at a time across replicas, and a failed one says why and frees
 * the lease. (The whole rebuild runs in tests/e2e/search.test.ts.)
 */
describe("SearchReindexService", () => {
  const logger = createLogger("search", "silent");

  function service(store: MemoryStore, sources: Partial<CourseSources>) {
    // the rebuild's other parts are not reached in these cases
    const unused = {} as never;
    return new SearchReindexService(
      unused,
      unused,
      sources as CourseSources,
      unused,
      unused,
      store,
      { batch: 10 },
      logger,
    );
  }

  it("refuses a second rebuild while one holds the lease: CONFLICT", async () => {
    const store = new MemoryStore();
    await store.set("search:reindex:lease", "another-replica", 60_000);
    const error = await service(store, {})
      .start()
      .catch((e: unknown) => e);
    expect((error as { extensions?: { code?: string } }).extensions?.code).toBe("CONFLICT");
    expect(await store.get("search:reindex:lease")).toBe("another-replica");
  });

  it("records a failure with its reason and frees the lease", async () => {
    const store = new MemoryStore();
    const reindex = service(store, {
      // eslint-disable-next-line require-yield
      async *publishedCourses() {
        throw new SourceUnavailableError("catalog did not answer: HTTP 503");
      },
    });
    const started = await reindex.start();
    expect(started.state).toBe("RUNNING");
    await reindex.settled();
    expect(await reindex.status()).toMatchObject({
      id: started.id,
      state: "FAILED",
      error: "catalog did not answer: HTTP 503",
    });
    expect(await store.get("search:reindex:lease")).toBeNull();
    // the next one may start
    await expect(reindex.start()).resolves.toMatchObject({ state: "RUNNING" });
    await reindex.settled();
  });
});
