import { MemoryStore } from "@campus/kv";
import { apiKeyId, newApiKey, PartnerDirectory, type PartnerRecord } from "./partner-directory";

const partner: PartnerRecord = {
  id: "p1",
  status: "ACTIVE",
  scopes: ["CATALOG_READ"],
  requestsPerMinute: 10,
  operationsVersion: 1,
};

describe("PartnerDirectory", () => {
  const directory = new PartnerDirectory(new MemoryStore());

  it("knows a key by its id and hash only, and tells refusals none apart", async () => {
    const current = newApiKey();
    const retired = newApiKey();
    const lapsed = newApiKey();
    const now = Date.now();
    await directory.publishPartner(partner, [
      { keyId: current.keyId, hash: current.hash, expiresAt: null },
      { keyId: retired.keyId, hash: retired.hash, expiresAt: new Date(now + 60_000) },
      { keyId: lapsed.keyId, hash: lapsed.hash, expiresAt: new Date(now - 1) },
    ]);
    expect(apiKeyId(current.apiKey)).toBe(current.keyId);
    expect(current.apiKey.startsWith(`${current.prefix}_`)).toBe(true);
    expect(await directory.authenticate(current.apiKey)).toEqual(partner);
    expect(await directory.authenticate(retired.apiKey)).toEqual(partner);
    expect(await directory.authenticate(retired.apiKey, now + 60_001)).toBeNull();
    expect(await directory.authenticate(lapsed.apiKey)).toBeNull();
    // right id, wrong secret
    expect(await directory.authenticate(`${current.prefix}_${"A".repeat(43)}`)).toBeNull();
    expect(await directory.authenticate("not a key")).toBeNull();

    await directory.publishPartner({ ...partner, status: "SUSPENDED" }, [
      { keyId: current.keyId, hash: current.hash, expiresAt: null },
    ]);
    expect(await directory.authenticate(current.apiKey)).toBeNull();
  });

  it("counts calls per operation and day", async () => {
    const at = Date.parse("2026-12-02T10:00:00Z");
    await directory.recordCall("p2", "Courses", false, at);
    await directory.recordCall("p2", "Courses", true, at);
    await directory.recordCall("p2", "Search", false, at);
    expect(await directory.usage("p2", "2026-12-02")).toEqual([
      { operationName: "Courses", requests: 2, errors: 1 },
      { operationName: "Search", requests: 1, errors: 0 },
    ]);
    expect(await directory.usage("p2", "2026-12-01")).toEqual([]);
    expect(await directory.lastUsedAt("p2")).toEqual(new Date(at));
  });
});
