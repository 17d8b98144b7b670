import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AccessTokenRevocation } from "@campus/auth";
import { MemoryStore, RedisStore, type SharedStore } from "@campus/kv";
import { redisUrlOrSkipReason } from "@campus/testkit";
import { RefreshSessions } from "../../subgraphs/identity/src/service/refresh-session.repository";

/**
 * One contract, two implementations: the in-process store of the embedded
 * runtime must behave exactly like Redis, or the embedded mode lies about
 * production. The same suite runs on both.
 */
const redis = redisUrlOrSkipReason();
if (redis.reason) process.stdout.write(`[contract] ${redis.reason}\n`);

const scratch = mkdtempSync(path.join(os.tmpdir(), "campus-store-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const implementations: [string, () => SharedStore][] = [
  ["memory", () => new MemoryStore()],
  // the embedded runtime's: the same store, kept in a file under DATA_DIR
  ["memory (persisted)", () => new MemoryStore({ persistFile: path.join(scratch, `${randomUUID()}.json`) })],
];
if (redis.url) implementations.push(["redis", () => new RedisStore(redis.url!, `contract:${randomUUID()}:`)]);

describe.each(implementations)("SharedStore contract: %s", (_name, create) => {
  let store: SharedStore;
  beforeAll(() => {
    store = create();
  });
  afterAll(() => store.close());
  const key = () => randomUUID();

  it("gets what was set, and nothing after delete", async () => {
    const k = key();
    expect(await store.get(k)).toBeNull();
    await store.set(k, "v1");
    expect(await store.get(k)).toBe("v1");
    await store.del(k);
    expect(await store.get(k)).toBeNull();
  });

  it("getMany reads several keys at once, null for the missing ones", async () => {
    const [a, b, missing] = [key(), key(), key()];
    await store.set(a, "1");
    await store.set(b, "2", 10_000);
    expect(await store.getMany([a, missing, b])).toEqual(["1", null, "2"]);
    expect(await store.getMany([])).toEqual([]);
  });

  it("expires values after their TTL", async () => {
    const k = key();
    await store.set(k, "short", 50);
    expect(await store.get(k)).toBe("short");
    await new Promise((r) => setTimeout(r, 120));
    expect(await store.get(k)).toBeNull();
  });

  it("setIfAbsent sets once", async () => {
    const k = key();
    expect(await store.setIfAbsent(k, "a", 10_000)).toBe(true);
    expect(await store.setIfAbsent(k, "b", 10_000)).toBe(false);
    expect(await store.get(k)).toBe("a");
  });

  it("compareAndSet only replaces the expected value, and only one of two racers wins", async () => {
    const k = key();
    await store.set(k, "v1", 10_000);
    expect(await store.compareAndSet(k, "other", "v2", 10_000)).toBe(false);
    const results = await Promise.all([
      store.compareAndSet(k, "v1", "x", 10_000),
      store.compareAndSet(k, "v1", "y", 10_000),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(["x", "y"]).toContain(await store.get(k));
  });

  it("keeps set members", async () => {
    const k = key();
    await store.addToSet(k, "a", 10_000);
    await store.addToSet(k, "b", 10_000);
    await store.addToSet(k, "a", 10_000);
    expect((await store.setMembers(k)).sort()).toEqual(["a", "b"]);
    await store.removeFromSet(k, "a");
    expect(await store.setMembers(k)).toEqual(["b"]);
  });

  it("sliding window admits `limit` events, then tells when to retry", async () => {
    const k = key();
    const now = Date.now();
    const opts = { windowMs: 1000, limit: 3, record: true };
    for (let i = 0; i < 3; i += 1) expect((await store.slidingWindow(k, { ...opts, now: now + i })).allowed).toBe(true);
    const refused = await store.slidingWindow(k, { ...opts, now: now + 10 });
    expect(refused).toMatchObject({ allowed: false, count: 3 });
    expect(refused.retryAfterMs).toBe(990);
    // a peek does not count
    expect((await store.slidingWindow(k, { ...opts, record: false, now: now + 10 })).count).toBe(3);
    // the window slides: the first event has left it
    expect((await store.slidingWindow(k, { ...opts, now: now + 1001 })).allowed).toBe(true);
  });

  it("sliding window counts a weighted hit as that many events, all or none", async () => {
    const k = key();
    const now = Date.now();
    const opts = { windowMs: 1000, limit: 5, record: true };
    expect(await store.slidingWindow(k, { ...opts, weight: 3, now })).toMatchObject({ allowed: true, count: 3 });
    const refused = await store.slidingWindow(k, { ...opts, weight: 3, now: now + 10 });
    expect(refused).toMatchObject({ allowed: false, count: 3 });
    // one of the three must leave before three more fit
    expect(refused.retryAfterMs).toBe(990);
    expect(await store.slidingWindow(k, { ...opts, weight: 2, now: now + 20 })).toMatchObject({
      allowed: true,
      count: 5,
    });
    // more than the limit never fits: retry after a whole window
    const never = await store.slidingWindow(key(), { ...opts, weight: 6, now });
    expect(never).toMatchObject({ allowed: false, retryAfterMs: 1000 });
  });

  it("adds to a hash's counters atomically, concurrent writers included, and reads them back", async () => {
    const counters = key();
    expect(await store.fields(counters)).toEqual({});
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.incrementFields(counters, { requests: 1, errors: i % 2 }, 60_000)),
    );
    await store.incrementFields(counters, { other: 5 }, 60_000);
    expect(await store.fields(counters)).toEqual({ requests: 20, errors: 10, other: 5 });
  });

  it("answers ping", async () => {
    expect(await store.ping()).toBe(true);
  });

  it("sliding window holds its limit under concurrent hits", async () => {
    const k = key();
    const results = await Promise.all(
      Array.from({ length: 50 }, () => store.slidingWindow(k, { windowMs: 60_000, limit: 10, record: true })),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
  });

  describe("access-token revocation", () => {
    const claims = (over: Partial<{ jti: string; sub: string; sid: string; stamp: string }> = {}) => ({
      jti: key(),
      sub: key(),
      sid: key(),
      ...over,
    });

    it("denies one token id until the token would have expired, and never an expired one", async () => {
      const revocation = new AccessTokenRevocation(store);
      const token = claims();
      await revocation.sessionStarted(token.sid, token.sub, 10_000);
      expect(await revocation.refusal(token)).toBeNull();
      await revocation.denyToken(token.jti, Date.now() + 80);
      expect(await revocation.refusal(token)).toMatch(/revoked/);
      expect(await revocation.refusal({ ...token, jti: key() })).toBeNull();
      await new Promise((r) => setTimeout(r, 150));
      expect(await revocation.refusal(token)).toBeNull();
      const stale = claims();
      await revocation.denyToken(stale.jti, Date.now() - 1);
      expect(await store.get(`denied-jti:${stale.jti}`)).toBeNull();
    });

    it("refuses tokens of a session that ended, or that belongs to someone else", async () => {
      const revocation = new AccessTokenRevocation(store);
      const token = claims();
      expect(await revocation.refusal(token)).toMatch(/session/);
      await revocation.sessionStarted(token.sid, token.sub, 10_000);
      expect(await revocation.refusal(token)).toBeNull();
      expect(await revocation.refusal({ ...token, sub: key() })).toMatch(/session/);
      await revocation.sessionEnded(token.sid);
      expect(await revocation.refusal(token)).toMatch(/session/);
      // an ended session is not brought back by a refresh that was under way
      expect(await revocation.sessionExtended(token.sid, token.sub, 10_000)).toBe(false);
      expect(await revocation.isSessionLive(token.sid)).toBe(false);
    });

    it("refuses tokens issued before the security stamp changed, and accepts the new stamp", async () => {
      const revocation = new AccessTokenRevocation(store);
      const token = claims();
      await revocation.sessionStarted(token.sid, token.sub, 10_000);
      expect(await revocation.securityStamp(token.sub)).toBeUndefined();
      await revocation.renewSecurityStamp(token.sub, 10_000);
      const stamp = await revocation.securityStamp(token.sub);
      expect(stamp).toEqual(expect.any(String));
      expect(await revocation.refusal(token)).toMatch(/refresh/);
      expect(await revocation.refusal({ ...token, stamp: "older" })).toMatch(/refresh/);
      expect(await revocation.refusal({ ...token, stamp })).toBeNull();
      await revocation.renewSecurityStamp(token.sub, 10_000);
      expect(await revocation.refusal({ ...token, stamp })).toMatch(/refresh/);
    });
  });

  describe("refresh-token store", () => {
    it("rotates a token and refuses the old one, revoking the family on reuse", async () => {
      const sessions = new RefreshSessions(store, new AccessTokenRevocation(store), 60_000);
      const userId = key();
      const first = await sessions.start(userId);
      const second = await sessions.rotate(first.refreshToken);
      expect(second.sessionId).toBe(first.sessionId);
      await expect(sessions.rotate(first.refreshToken)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
      // reuse revoked the family: the newest token is dead too
      await expect(sessions.rotate(second.refreshToken)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    });

    it("lets exactly one of two concurrent refreshes with the same token through", async () => {
      const sessions = new RefreshSessions(store, new AccessTokenRevocation(store), 60_000);
      const started = await sessions.start(key());
      const results = await Promise.allSettled([
        sessions.rotate(started.refreshToken),
        sessions.rotate(started.refreshToken),
      ]);
      expect(results.filter((r) => r.status === "fulfilled").length).toBeLessThanOrEqual(1);
    });

    it("revokeAll keeps only the named session", async () => {
      const sessions = new RefreshSessions(store, new AccessTokenRevocation(store), 60_000);
      const userId = key();
      const a = await sessions.start(userId);
      const b = await sessions.start(userId);
      await sessions.revokeAll(userId, a.sessionId);
      await expect(sessions.rotate(a.refreshToken)).resolves.toMatchObject({ sessionId: a.sessionId });
      await expect(sessions.rotate(b.refreshToken)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    });

    it("refuses an unknown token", async () => {
      const sessions = new RefreshSessions(store, new AccessTokenRevocation(store), 60_000);
      await expect(sessions.rotate("not-a-token")).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    });
  });
});

describe("the embedded store keeps its records in its file", () => {
  const file = () => path.join(scratch, `${randomUUID()}.json`);

  it("sessions, sets and revocations survive closing and reopening; expired ones do not come back", async () => {
    const persistFile = file();
    const first = new MemoryStore({ persistFile });
    const revocation = new AccessTokenRevocation(first);
    await revocation.sessionStarted("session-1", "user-1", 60_000);
    await revocation.denyToken("jti-1", Date.now() + 60_000);
    await first.addToSet("user-sessions:user-1", "session-1", 60_000);
    await first.set("forever", "kept");
    await first.set("short", "gone", 30);
    await first.slidingWindow("window", { windowMs: 60_000, limit: 5, record: true });
    await first.close();
    await new Promise((resolve) => setTimeout(resolve, 60));

    const second = new MemoryStore({ persistFile });
    expect(await new AccessTokenRevocation(second).isSessionLive("session-1")).toBe(true);
    expect(await second.get("denied-jti:jti-1")).toBe("1");
    expect(await second.setMembers("user-sessions:user-1")).toEqual(["session-1"]);
    expect(await second.get("forever")).toBe("kept");
    expect(await second.get("short")).toBeNull();
    // rate-limit windows only matter for a minute: not kept
    expect((await second.slidingWindow("window", { windowMs: 60_000, limit: 5, record: false })).count).toBe(0);
    await second.close();
  });

  it("writes changes without waiting for close, so a crash loses at most the last moment", async () => {
    const persistFile = file();
    const store = new MemoryStore({ persistFile, persistEveryMs: 20 });
    await store.set("k", "v", 60_000);
    await new Promise((resolve) => setTimeout(resolve, 150));
    // a second process reading the file (as a restart after kill -9 would)
    const reader = new MemoryStore({ persistFile });
    expect(await reader.get("k")).toBe("v");
    await store.close();
  });

  it("refuses a damaged file with a message saying what to do", () => {
    const persistFile = file();
    writeFileSync(persistFile, "{ not json");
    expect(() => new MemoryStore({ persistFile })).toThrow(/delete it to start over/);
  });
});

(redis.url ? describe : describe.skip)("Redis outages", () => {
  it("ping says false within a second and the outage is reported once, not on every retry", async () => {
    const reports: Error[] = [];
    const dead = new RedisStore("redis://127.0.0.1:1", { onConnectionError: (error) => reports.push(error) });
    const started = Date.now();
    expect(await dead.ping()).toBe(false);
    expect(Date.now() - started).toBeLessThan(2500);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(reports).toHaveLength(1);
    await dead.close();
  });
});
