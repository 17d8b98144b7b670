import type { SharedStore } from "@campus/kv";

export interface ApqCacheOptions {
  /** Documents larger than this are run but not stored (the client keeps sending them whole). */
  maxDocumentBytes: number;
}

/**
 * Apollo Server's `persistedQueries.cache` (its KeyValueCache interface)
 * over the SharedStore, so a document registered through one router replica
 * is found by every other (Redis in production). Apollo prefixes the keys
 * itself (`apq:`) and passes its TTL in seconds.
 */
export class SharedStoreApqCache {
  constructor(
    private readonly store: SharedStore,
    private readonly options: ApqCacheOptions,
  ) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.store.get(key)) ?? undefined;
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    if (Buffer.byteLength(value, "utf8") > this.options.maxDocumentBytes) return;
    await this.store.set(key, value, options?.ttl ? options.ttl * 1000 : undefined);
  }

  async delete(key: string): Promise<void> {
    await this.store.del(key);
  }
}
