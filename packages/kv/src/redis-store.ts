import { randomUUID } from "node:crypto";
import Redis from "ioredis";
import type { SharedStore, SlidingWindowOptions, SlidingWindowResult } from "./shared-store";

const COMPARE_AND_SET = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0`;

// Sorted set of event timestamps; trims, counts and (maybe) adds in one step.
const SLIDING_WINDOW = `
local key, now, window, limit, record, member = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], ARGV[5]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
local allowed = count < limit
if allowed and record == '1' then
  redis.call('ZADD', key, now, member)
  count = count + 1
end
redis.call('PEXPIRE', key, window)
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
local oldestAt = oldest[2] and tonumber(oldest[2]) or now
return { allowed and 1 or 0, count, oldestAt }`;

export class RedisStore implements SharedStore {
  private readonly redis: Redis;

  constructor(
    url: string,
    /** Prefix for every key, so tests and tenants can share one server. */
    private readonly prefix = "campus:",
  ) {
    this.redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true });
    this.redis.defineCommand("campusCompareAndSet", { numberOfKeys: 1, lua: COMPARE_AND_SET });
    this.redis.defineCommand("campusSlidingWindow", { numberOfKeys: 1, lua: SLIDING_WINDOW });
  }

  private k(key: string) {
    return this.prefix + key;
  }

  async ping(): Promise<boolean> {
    return (await this.redis.ping()) === "PONG";
  }

  async get(key: string) {
    return this.redis.get(this.k(key));
  }

  async getMany(keys: string[]) {
    if (keys.length === 0) return [];
    return this.redis.mget(keys.map((key) => this.k(key)));
  }

  async set(key: string, value: string, ttlMs?: number) {
    if (ttlMs) await this.redis.set(this.k(key), value, "PX", ttlMs);
    else await this.redis.set(this.k(key), value);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number) {
    return (await this.redis.set(this.k(key), value, "PX", ttlMs, "NX")) === "OK";
  }

  async compareAndSet(key: string, expected: string, next: string, ttlMs: number) {
    const redis = this.redis as Redis & {
      campusCompareAndSet(key: string, expected: string, next: string, ttl: number): Promise<number>;
    };
    return (await redis.campusCompareAndSet(this.k(key), expected, next, ttlMs)) === 1;
  }

  async del(...keys: string[]) {
    if (keys.length > 0) await this.redis.del(...keys.map((key) => this.k(key)));
  }

  async addToSet(key: string, member: string, ttlMs: number) {
    await this.redis.multi().sadd(this.k(key), member).pexpire(this.k(key), ttlMs).exec();
  }

  async setMembers(key: string) {
    return this.redis.smembers(this.k(key));
  }

  async removeFromSet(key: string, member: string) {
    await this.redis.srem(this.k(key), member);
  }

  async slidingWindow(key: string, opts: SlidingWindowOptions): Promise<SlidingWindowResult> {
    const now = opts.now ?? Date.now();
    const redis = this.redis as Redis & {
      campusSlidingWindow(...args: (string | number)[]): Promise<[number, number, number]>;
    };
    const [allowed, count, oldestAt] = await redis.campusSlidingWindow(
      this.k(key),
      now,
      opts.windowMs,
      opts.limit,
      opts.record ? "1" : "0",
      `${now}:${randomUUID()}`,
    );
    const retryAfterMs = allowed === 1 ? 0 : Math.max(1, oldestAt + opts.windowMs - now);
    return { allowed: allowed === 1, count, retryAfterMs };
  }

  async close() {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
