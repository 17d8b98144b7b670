/**
 * The state Campus keeps outside its databases (cache entries, refresh tokens,
 * revoked token ids, rate-limit windows) needs a handful of atomic operations.
 * Redis provides them in production; MemoryStore provides the same semantics
 * in-process for the embedded runtime. Both pass tests/contract/shared-store.
 */
export interface SharedStore {
  get(key: string): Promise<string | null>;
  /** Several reads in one round trip (the router's per-request token checks). */
  getMany(keys: string[]): Promise<(string | null)[]>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Sets only when the key is absent; true when it was set. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Replaces the value only if it still equals `expected`; true when replaced. */
  compareAndSet(key: string, expected: string, next: string, ttlMs: number): Promise<boolean>;
  del(...keys: string[]): Promise<void>;
  /** Set membership with a TTL on the whole set (refreshed on every add). */
  addToSet(key: string, member: string, ttlMs: number): Promise<void>;
  setMembers(key: string): Promise<string[]>;
  removeFromSet(key: string, member: string): Promise<void>;
  /**
   * Sliding-window counter: counts events in the last `windowMs`. When `limit`
   * is not yet reached and `record` is true, records this event atomically.
   * `retryAfterMs` tells when the oldest counted event leaves the window.
   */
  slidingWindow(key: string, opts: SlidingWindowOptions): Promise<SlidingWindowResult>;
  /**
   * Adds to numeric fields of a hash in one atomic step (Redis HINCRBY), and
   * sets the hash's TTL. Counters many writers share (partner usage per day).
   */
  incrementFields(key: string, increments: Record<string, number>, ttlMs: number): Promise<void>;
  /** Every field of such a hash ({} when absent). */
  fields(key: string): Promise<Record<string, number>>;
  /** True when the store answers (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface SlidingWindowOptions {
  windowMs: number;
  limit: number;
  /** false only peeks (e.g. "has this account failed too often already?") */
  record: boolean;
  /**
   * How many events this call stands for (default 1): allowed only when all
   * of them fit under the limit, and then all are recorded. A request with
   * five aliases of `login` is five logins.
   */
  weight?: number;
  now?: number;
}

export interface SlidingWindowResult {
  allowed: boolean;
  count: number;
  retryAfterMs: number;
}
