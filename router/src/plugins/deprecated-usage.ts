import type { SharedStore } from "@campus/kv";

/**
 * How often each client used each deprecated schema coordinate, per UTC day,
 * in the SharedStore so every router replica adds to the same counts. Key
 * scheme (docs/api-lifecycle.md):
 * - `deprecated-usage:<day>`: a set of JSON `[client, coordinate]` pairs seen that day;
 * - `deprecated-usage:<day>:<client>:<coordinate>`: the count (client and
 *   coordinate URI-encoded), both kept `retentionDays`.
 */
export interface DeprecatedUsageRow {
  client: string;
  /** A schema coordinate: `Type.field`, `Type.field(arg:)`, `Input.field`, `Enum.VALUE`. */
  field: string;
  /** YYYY-MM-DD (UTC). */
  day: string;
  count: number;
}

const PREFIX = "deprecated-usage";
const DAY_MS = 86_400_000;
const dayOf = (at: Date) => at.toISOString().slice(0, 10);
const dayKey = (day: string) => `${PREFIX}:${day}`;
const countKey = (day: string, client: string, field: string) =>
  `${PREFIX}:${day}:${encodeURIComponent(client)}:${encodeURIComponent(field)}`;

/**
 * Counts in memory and adds them to the store every `flushEveryMs` (and on
 * `stop`): a request that uses a deprecated field costs no store round
 * trip, and a busy client costs one write per field per flush.
 */
export class DeprecatedUsageCounter {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: SharedStore,
    private readonly options: { retentionDays: number; flushEveryMs: number; onError?: (error: unknown) => void },
  ) {}

  record(client: string, fields: string[], at = new Date()) {
    const day = dayOf(at);
    for (const field of fields) {
      const key = JSON.stringify([day, client, field]);
      this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush().catch((error) => this.options.onError?.(error));
    }, this.options.flushEveryMs).unref();
  }

  /** Adds what was counted since the last flush to the store. */
  flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    // one flush at a time, so two never race on the same counter
    this.flushing = this.flushing.then(() => this.write(batch));
    return this.flushing;
  }

  async stop() {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private async write(batch: Map<string, number>) {
    const ttlMs = this.options.retentionDays * DAY_MS;
    for (const [entry, count] of batch) {
      const [day, client, field] = JSON.parse(entry) as [string, string, string];
      await this.store.addToSet(dayKey(day), JSON.stringify([client, field]), ttlMs);
      await addTo(this.store, countKey(day, client, field), count, ttlMs);
    }
  }
}

/** The SharedStore has no increment: compare-and-set until no other replica wrote in between. */
async function addTo(store: SharedStore, key: string, count: number, ttlMs: number) {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const current = await store.get(key);
    if (current === null) {
      if (await store.setIfAbsent(key, String(count), ttlMs)) return;
    } else if (await store.compareAndSet(key, current, String(Number(current) + count), ttlMs)) {
      return;
    }
  }
  throw new Error(`could not add to ${key}: too many concurrent writers`);
}

/**
 * The counts of the last `days` UTC days (today included), newest day first,
 * then by client and field: what an admin view (e.g. identity's
 * `Partner.usage`) reads.
 */
export async function deprecatedUsage(
  store: SharedStore,
  { days, now = new Date() }: { days: number; now?: Date },
): Promise<DeprecatedUsageRow[]> {
  const rows: DeprecatedUsageRow[] = [];
  for (let back = 0; back < days; back += 1) {
    const day = dayOf(new Date(now.getTime() - back * DAY_MS));
    const pairs = (await store.setMembers(dayKey(day))).map((member) => JSON.parse(member) as [string, string]);
    pairs.sort(([a, b], [c, d]) => a.localeCompare(c) || b.localeCompare(d));
    const counts = pairs.length
      ? await store.getMany(pairs.map(([client, field]) => countKey(day, client, field)))
      : [];
    pairs.forEach(([client, field], index) => {
      const count = Number(counts[index] ?? 0);
      if (count > 0) rows.push({ client, field, day, count });
    });
  }
  return rows;
}
