import type { SharedStore, SlidingWindowOptions, SlidingWindowResult } from "./shared-store";

interface Entry {
  value: string | Set<string> | number[];
  expiresAt: number;
}

/**
 * In-process SharedStore for the embedded runtime: one Map, entries expire
 * lazily on read, and the least recently used entry is evicted past
 * `maxEntries` so a long-running dev server cannot grow without bound.
 * Every operation is synchronous inside, which makes each one atomic.
 */
export class MemoryStore implements SharedStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries = 100_000,
    private readonly clock: () => number = Date.now,
  ) {}

  private read(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock()) {
      this.entries.delete(key);
      return undefined;
    }
    // re-insert: Map order doubles as recency order for LRU eviction
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  private write(key: string, value: Entry["value"], ttlMs?: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: ttlMs ? this.clock() + ttlMs : Number.POSITIVE_INFINITY });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  private readString(key: string): string | null {
    const value = this.read(key)?.value;
    return typeof value === "string" ? value : null;
  }

  async get(key: string) {
    return this.readString(key);
  }

  async getMany(keys: string[]) {
    return keys.map((key) => this.readString(key));
  }

  async set(key: string, value: string, ttlMs?: number) {
    this.write(key, value, ttlMs);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number) {
    if (this.read(key)) return false;
    this.write(key, value, ttlMs);
    return true;
  }

  async compareAndSet(key: string, expected: string, next: string, ttlMs: number) {
    if (this.readString(key) !== expected) return false;
    this.write(key, next, ttlMs);
    return true;
  }

  async del(...keys: string[]) {
    for (const key of keys) this.entries.delete(key);
  }

  async addToSet(key: string, member: string, ttlMs: number) {
    const existing = this.read(key)?.value;
    const members = existing instanceof Set ? existing : new Set<string>();
    members.add(member);
    this.write(key, members, ttlMs);
  }

  async setMembers(key: string) {
    const value = this.read(key)?.value;
    return value instanceof Set ? [...value] : [];
  }

  async removeFromSet(key: string, member: string) {
    const value = this.read(key)?.value;
    if (value instanceof Set) value.delete(member);
  }

  async slidingWindow(key: string, opts: SlidingWindowOptions): Promise<SlidingWindowResult> {
    const now = opts.now ?? this.clock();
    const existing = this.read(key)?.value;
    const events = (Array.isArray(existing) ? existing : []).filter((at) => at > now - opts.windowMs);
    const allowed = events.length < opts.limit;
    if (allowed && opts.record) events.push(now);
    this.write(key, events, opts.windowMs);
    const oldest = events[0];
    const retryAfterMs = allowed || oldest === undefined ? 0 : Math.max(1, oldest + opts.windowMs - now);
    return { allowed, count: events.length, retryAfterMs };
  }

  async close() {
    this.entries.clear();
  }
}
