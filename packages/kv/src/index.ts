import { MemoryStore, type MemoryStoreOptions } from "./memory-store";
import { RedisStore, type RedisStoreOptions } from "./redis-store";
import type { SharedStore } from "./shared-store";

export * from "./shared-store";
export { MemoryStore, RedisStore, type MemoryStoreOptions, type RedisStoreOptions };

/**
 * Redis when a URL is configured, otherwise the in-process store (kept in
 * `persistFile` when given, so the embedded runtime keeps sessions across restarts).
 */
export function createSharedStore(
  redisUrl: string | undefined,
  options: RedisStoreOptions & Pick<MemoryStoreOptions, "persistFile"> = {},
): SharedStore {
  return redisUrl ? new RedisStore(redisUrl, options) : new MemoryStore({ persistFile: options.persistFile });
}
