import { MemoryStore } from "@campus/kv";
import { DeprecatedUsageCounter, deprecatedUsage } from "./deprecated-usage";

describe("deprecated usage counts", () => {
  const now = new Date("2026-12-02T10:00:00Z");
  const yesterday = new Date("2026-12-01T23:59:00Z");

  it("adds up what several replicas counted, per client, field and UTC day", async () => {
    const store = new MemoryStore();
    const replicas = [1, 2].map(() => new DeprecatedUsageCounter(store, { retentionDays: 30, flushEveryMs: 60_000 }));
    for (const replica of replicas) {
      replica.record("web", ["Query.rating", "Level.EXPERT"], now);
      replica.record("web", ["Query.rating"], now);
      replica.record("ios", ["Query.rating"], yesterday);
    }
    // both flush at once: compare-and-set keeps every count
    await Promise.all(replicas.map((replica) => replica.stop()));
    expect(await deprecatedUsage(store, { days: 2, now })).toEqual([
      { client: "web", field: "Level.EXPERT", day: "2026-12-02", count: 2 },
      { client: "web", field: "Query.rating", day: "2026-12-02", count: 4 },
      { client: "ios", field: "Query.rating", day: "2026-12-01", count: 2 },
    ]);
    expect(await deprecatedUsage(store, { days: 1, now })).toHaveLength(2);
  });

  it("writes on its own after flushEveryMs, not per request", async () => {
    const store = new MemoryStore();
    const counter = new DeprecatedUsageCounter(store, { retentionDays: 30, flushEveryMs: 20 });
    counter.record("web", ["Query.rating"], now);
    expect(await deprecatedUsage(store, { days: 1, now })).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await deprecatedUsage(store, { days: 1, now })).toEqual([
      { client: "web", field: "Query.rating", day: "2026-12-02", count: 1 },
    ]);
    await counter.stop();
  });
});
