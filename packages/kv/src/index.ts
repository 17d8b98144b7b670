import { MemoryStore } from "./memory-store";
import { RedisStore } from "./redis-store";
import type { SharedStore } from "./shared-store";

export * from "./shared-store";
export { MemoryStore, RedisStore };

/** Redis when a URL is configured, otherwise the in-process store. */
export function createSharedStore(redisUrl: string | undefined, prefix?: string): SharedStore {
  return redisUrl ? new RedisStore(redisUrl, prefix) : new MemoryStore();
}
