import { randomUUID } from "node:crypto";
import Redis from "ioredis";
import type { SharedStore, SlidingWindowOptions, SlidingWindowResult } from "./shared-store";

const COMPARE_AND_SET = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0`;

// Sorted set of event timestamps; trims, counts and (maybe) adds `weight` events in one step.
// Returns when the event that must leave for `weight` more to fit was recorded (-1: never fits).
const SLIDING_WINDOW = `
local key, now, window, limit, record, member, weight = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], ARGV[5], tonumber(ARGV[6])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
local allowed = count + weight <= limit
if allowed and record == '1' then
  for i = 1, weight do
    redis.call('ZADD', key, now, member .. ':' .. i)
  end
  count = count + weight
end
redis.call('PEXPIRE', key, window)
local leavingAt = -1
local mustLeave = count + weight - limit
if not allowed and mustLeave <= count then
  local leaving = redis.call('ZRANGE', key, mustLeave - 1, mustLeave - 1, 'WITHSCORES')
  if leaving[2] then leavingAt = tonumber(leaving[2]) end
end
return { allowed and 1 or 0, count, leavingAt }`;

export interface RedisStoreOptions {
  /** Prefix for every key, so tests and tenants can share one server. */
  prefix?: string;
  /** Where connection problems are reported (once per outage, not per retry). */
  onConnectionError?: (error: Error) => void;
}

export class RedisStore implements SharedStore {
  private readonly redis: Redis;

  private readonly prefix: string;
  private failing = false;

  constructor(url: string, options: RedisStoreOptions | string = {}) {
    const settings = typeof options === "string" ? { prefix: options } : options;
    this.prefix = settings.prefix ?? "campus:";
    this.redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true });
    // Without a listener ioredis prints "Unhandled error event" on every retry, outside the logs.
    this.redis.on("error", (error: Error) => {
      if (this.failing) return;
      this.failing = true;
      settings.onConnectionError?.(error);
    });
    this.redis.on("ready", () => {
      this.failing = false;
    });
    this.redis.defineCommand("campusCompareAndSet", { numberOfKeys: 1, lua: COMPARE_AND_SET });
    this.redis.defineCommand("campusSlidingWindow", { numberOfKeys: 1, lua: SLIDING_WINDOW });
  }

  private k(key: string) {
    return this.prefix + key;
  }

  /** Answers within a second or counts as down: readiness must not hang on a dead server. */
  async ping(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), 1000);
    });
    try {
      const answer = this.redis.ping().then(
        (reply) => reply === "PONG",
        () => false,
      );
      return await Promise.race([answer, timeout]);
    } finally {
      clearTimeout(timer);
    }
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

  async incrementFields(key: string, increments: Record<string, number>, ttlMs: number) {
    const multi = this.redis.multi();
    for (const [field, by] of Object.entries(increments)) multi.hincrby(this.k(key), field, by);
    await multi.pexpire(this.k(key), ttlMs).exec();
  }

  async fields(key: string) {
    const raw = await this.redis.hgetall(this.k(key));
    return Object.fromEntries(Object.entries(raw).map(([field, value]) => [field, Number(value)]));
  }

  async slidingWindow(key: string, opts: SlidingWindowOptions): Promise<SlidingWindowResult> {
    const now = opts.now ?? Date.now();
    const redis = this.redis as Redis & {
      campusSlidingWindow(...args: (string | number)[]): Promise<[number, number, number]>;
    };
    const [allowed, count, leavingAt] = await redis.campusSlidingWindow(
      this.k(key),
      now,
      opts.windowMs,
      opts.limit,
      opts.record ? "1" : "0",
      `${now}:${randomUUID()}`,
      opts.weight ?? 1,
    );
    if (allowed === 1) return { allowed: true, count, retryAfterMs: 0 };
    const retryAfterMs = leavingAt < 0 ? opts.windowMs : Math.max(1, leavingAt + opts.windowMs - now);
    return { allowed: false, count, retryAfterMs };
  }

  async close() {
    // QUIT would wait in the offline queue for a server that is not there
    if (this.redis.status !== "ready") return this.redis.disconnect();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
