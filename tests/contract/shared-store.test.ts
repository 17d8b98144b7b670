import { randomUUID } from "node:crypto";
import { AccessTokenRevocation } from "@campus/auth";
import { MemoryStore, RedisStore, type SharedStore } from "@campus/kv";
import { redisUrlOrSkipReason } from "@campus/testkit";
import { RefreshSessions } from "../../subgraphs/identity/src/service/refresh-sessions";

/**
 * One contract, two implementations: the in-process store of the embedded
 * runtime must behave exactly like Redis, or the embedded mode lies about
 * production. The same suite runs on both.
 */
const redis = redisUrlOrSkipReason();
if (redis.reason) process.stdout.write(`[contract] ${redis.reason}\n`);

const implementations: [string, () => SharedStore][] = [["memory", () => new MemoryStore()]];
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
