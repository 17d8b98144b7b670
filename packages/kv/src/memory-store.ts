import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { writeFile, rename } from "node:fs/promises";
import path from "node:path";
import type { SharedStore, SlidingWindowOptions, SlidingWindowResult } from "./shared-store";

interface Entry {
  value: string | Set<string> | number[] | Map<string, number>;
  expiresAt: number;
}

export interface MemoryStoreOptions {
  /** Least recently used entries are evicted past this many. */
  maxEntries?: number;
  clock?: () => number;
  /**
   * Keeps the store in this file so sessions, refresh tokens and revocations
   * survive a restart of the embedded runtime, as its data does. Written at
   * most every `persistEveryMs` after a change and on close; a kill -9 loses
   * at most that last interval. Rate-limit windows are not kept: they only
   * matter for a minute, and counters (incrementFields) are folded into a
   * database by their reader.
   */
  persistFile?: string;
  persistEveryMs?: number;
}

type Snapshot = {
  version: 1;
  entries: [key: string, value: string | string[], kind: "string" | "set", expiresAt: number | null][];
};

/** When enough of the oldest events leave the window for `weight` more to fit. */
function retryAfter(events: number[], weight: number, opts: SlidingWindowOptions, now: number): number {
  const mustLeave = events.length + weight - opts.limit;
  const leaving = events[mustLeave - 1];
  if (mustLeave > events.length || leaving === undefined) return opts.windowMs;
  return Math.max(1, leaving + opts.windowMs - now);
}

/**
 * In-process SharedStore for the embedded runtime: one Map, entries expire
 * lazily on read, and the least recently used entry is evicted past
 * `maxEntries` so a long-running dev server cannot grow without bound.
 * Every operation is synchronous inside, which makes each one atomic.
 */
export class MemoryStore implements SharedStore {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly clock: () => number;
  private flushTimer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private closed = false;

  constructor(private readonly options: MemoryStoreOptions = {}) {
    this.maxEntries = options.maxEntries ?? 100_000;
    this.clock = options.clock ?? Date.now;
    if (options.persistFile) this.load(options.persistFile);
  }

  private load(file: string) {
    let snapshot: Snapshot;
    try {
      snapshot = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw new Error(`the store file ${file} cannot be read (${(error as Error).message}); delete it to start over`);
    }
    const now = this.clock();
    for (const [key, value, kind, expiresAt] of snapshot.entries ?? []) {
      const expires = expiresAt ?? Number.POSITIVE_INFINITY;
      if (expires <= now) continue;
      this.entries.set(key, {
        value: kind === "set" ? new Set(value as string[]) : (value as string),
        expiresAt: expires,
      });
    }
  }

  private snapshot(): string {
    const now = this.clock();
    const entries: Snapshot["entries"] = [];
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now || Array.isArray(entry.value) || entry.value instanceof Map) continue;
      const expiresAt = Number.isFinite(entry.expiresAt) ? entry.expiresAt : null;
      if (entry.value instanceof Set) entries.push([key, [...entry.value], "set", expiresAt]);
      else entries.push([key, entry.value, "string", expiresAt]);
    }
    return JSON.stringify({ version: 1, entries } satisfies Snapshot);
  }

  /** A durable change happened: write the file soon. */
  private changed() {
    if (!this.options.persistFile || this.flushTimer || this.closed) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flushing = (this.flushing ?? Promise.resolve()).then(() => this.writeFile()).catch(() => undefined);
    }, this.options.persistEveryMs ?? 250);
    this.flushTimer.unref();
  }

  private async writeFile() {
    const file = this.options.persistFile!;
    mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, this.snapshot(), { mode: 0o600 });
    await rename(temporary, file);
  }

  private flushNow() {
    const file = this.options.persistFile;
    if (!file) return;
    mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, this.snapshot(), { mode: 0o600 });
    renameSync(temporary, file);
  }

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
    if (!Array.isArray(value) && !(value instanceof Map)) this.changed();
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
    if (keys.length > 0) this.changed();
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
    if (value instanceof Set && value.delete(member)) this.changed();
  }

  async incrementFields(key: string, increments: Record<string, number>, ttlMs: number) {
    const existing = this.read(key)?.value;
    const counters = existing instanceof Map ? existing : new Map<string, number>();
    for (const [field, by] of Object.entries(increments)) counters.set(field, (counters.get(field) ?? 0) + by);
    this.write(key, counters, ttlMs);
  }

  async fields(key: string) {
    const value = this.read(key)?.value;
    return value instanceof Map ? Object.fromEntries(value) : {};
  }

  async slidingWindow(key: string, opts: SlidingWindowOptions): Promise<SlidingWindowResult> {
    const now = opts.now ?? this.clock();
    const weight = opts.weight ?? 1;
    const existing = this.read(key)?.value;
    const events = (Array.isArray(existing) ? existing : []).filter((at) => at > now - opts.windowMs);
    const allowed = events.length + weight <= opts.limit;
    if (allowed && opts.record) for (let i = 0; i < weight; i += 1) events.push(now);
    this.write(key, events, opts.windowMs);
    return { allowed, count: events.length, retryAfterMs: allowed ? 0 : retryAfter(events, weight, opts, now) };
  }

  async ping() {
    return !this.closed;
  }

  async close() {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.flushTimer);
    await this.flushing;
    this.flushNow();
    this.entries.clear();
  }
}
