import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { SharedStore } from "@campus/kv";
import type { PartnerScope } from "./viewer";

/** What the router needs to know about a partner; identity publishes it (docs/partners.md). */
export interface PartnerRecord {
  id: string;
  status: "ACTIVE" | "SUSPENDED";
  scopes: PartnerScope[];
  requestsPerMinute: number;
  /** Which published operation list is current (see `operations`). */
  operationsVersion: number;
}

/** One key of a partner: only its hash; a rotated-out key carries its end of grace. */
export interface PartnerKeyRecord {
  partner: PartnerRecord;
  hash: string;
  /** Epoch ms after which the key stops working; null while it is the current key. */
  expiresAt: number | null;
}

/** One entry of Apollo's persisted query manifest. */
export interface PersistedOperation {
  id: string;
  name: string;
  type: "query" | "mutation" | "subscription";
  body: string;
}

export interface UsageCount {
  operationName: string;
  requests: number;
  errors: number;
}

const KEY_PREFIX = "cmp_live_";
/** `cmp_live_<key id: 16 hex>_<secret: 32 random bytes, base64url>` */
const API_KEY = /^cmp_live_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** Usage counters outlive the fold into identity's database (every minute) by days. */
const USAGE_TTL_MS = 8 * 24 * 3600_000;

const partnerKey = (id: string) => `partner:${id}`;
const apiKeyKey = (keyId: string) => `partner-key:${keyId}`;
const operationsKey = (id: string, version: number) => `partner-operations:${id}:${version}`;
const usageKey = (id: string, day: string) => `partner-usage:${id}:${day}`;
const lastUsedKey = (id: string) => `partner-last-used:${id}`;

/** A sha256 of a high-entropy key is safe to store: there is nothing to guess. */
export const hashApiKey = (apiKey: string) => createHash("sha256").update(apiKey).digest("hex");

/** A new key, shown once; only `hash` is kept. `prefix` names the key in lists and logs. */
export function newApiKey() {
  const keyId = randomBytes(8).toString("hex");
  const apiKey = `${KEY_PREFIX}${keyId}_${randomBytes(32).toString("base64url")}`;
  return { apiKey, keyId, prefix: `${KEY_PREFIX}${keyId}`, hash: hashApiKey(apiKey) };
}

/** The key id of a well-formed key, else null (looked up by id, never by scanning). */
export function apiKeyId(apiKey: string): string | null {
  return API_KEY.exec(apiKey)?.[1] ?? null;
}

/** The UTC day of an instant, as usage is counted. */
export const usageDay = (at: number) => new Date(at).toISOString().slice(0, 10);

// a tab cannot occur in a GraphQL name, so it separates the operation from the counter
const FIELD_SEPARATOR = "\t";

/**
 * The records partners are known by outside identity's database, in the
 * SharedStore: identity writes them (on every change, and all of them at start
 * and every minute, so a flushed store heals), every router replica reads
 * them per request. The router never reads identity's tables.
 *
 * - `partner-key:<key id>`: the key's hash, its end of grace, and the partner
 *   (status, scopes, rate limit, current list version), so one read
 *   authenticates a call;
 * - `partner:<id>`: the partner alone (publishing checks its scopes);
 * - `partner-operations:<id>:<version>`: a published list; never changed, so
 *   replicas may keep it in memory by version;
 * - `partner-usage:<id>:<day>`: counters the router adds to per call
 *   (HINCRBY), which identity folds into its database.
 */
export class PartnerDirectory {
  constructor(private readonly store: SharedStore) {}

  async publishPartner(partner: PartnerRecord, keys: { keyId: string; hash: string; expiresAt: Date | null }[]) {
    const now = Date.now();
    await this.store.set(partnerKey(partner.id), JSON.stringify(partner));
    for (const key of keys) {
      const record: PartnerKeyRecord = { partner, hash: key.hash, expiresAt: key.expiresAt?.getTime() ?? null };
      const ttl = key.expiresAt ? key.expiresAt.getTime() - now : undefined;
      if (ttl !== undefined && ttl <= 0) await this.store.del(apiKeyKey(key.keyId));
      else await this.store.set(apiKeyKey(key.keyId), JSON.stringify(record), ttl);
    }
  }

  async withdrawKeys(keyIds: string[]) {
    await this.store.del(...keyIds.map(apiKeyKey));
  }

  async publishOperations(partnerId: string, version: number, operations: PersistedOperation[]) {
    const byId = Object.fromEntries(operations.map((operation) => [operation.id, operation]));
    await this.store.set(operationsKey(partnerId, version), JSON.stringify(byId));
  }

  async hasOperations(partnerId: string, version: number): Promise<boolean> {
    return (await this.store.get(operationsKey(partnerId, version))) !== null;
  }

  async dropOperations(partnerId: string, version: number) {
    await this.store.del(operationsKey(partnerId, version));
  }

  async partner(id: string): Promise<PartnerRecord | null> {
    const raw = await this.store.get(partnerKey(id));
    return raw ? (JSON.parse(raw) as PartnerRecord) : null;
  }

  /**
   * The partner a key belongs to, or null for a key that is malformed,
   * unknown, past its grace or of a suspended partner: the caller is told
   * none of these apart.
   */
  async authenticate(apiKey: string, now = Date.now()): Promise<PartnerRecord | null> {
    const keyId = apiKeyId(apiKey);
    if (!keyId) return null;
    const raw = await this.store.get(apiKeyKey(keyId));
    if (!raw) return null;
    const record = JSON.parse(raw) as PartnerKeyRecord;
    const expected = Buffer.from(record.hash, "hex");
    const given = Buffer.from(hashApiKey(apiKey), "hex");
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    if (record.expiresAt !== null && record.expiresAt <= now) return null;
    return record.partner.status === "ACTIVE" ? record.partner : null;
  }

  /** A published list by its version: operation id (sha256 of the body) → operation. */
  async operations(partnerId: string, version: number): Promise<Record<string, PersistedOperation>> {
    const raw = await this.store.get(operationsKey(partnerId, version));
    return raw ? (JSON.parse(raw) as Record<string, PersistedOperation>) : {};
  }

  /** One call counted: a hash increment and a plain set, no database write. */
  async recordCall(partnerId: string, operationName: string, failed: boolean, now = Date.now()) {
    const increments: Record<string, number> = { [`${operationName}${FIELD_SEPARATOR}requests`]: 1 };
    if (failed) increments[`${operationName}${FIELD_SEPARATOR}errors`] = 1;
    await Promise.all([
      this.store.incrementFields(usageKey(partnerId, usageDay(now)), increments, USAGE_TTL_MS),
      this.store.set(lastUsedKey(partnerId), String(now), USAGE_TTL_MS),
    ]);
  }

  /** The counters of one partner and day, per operation. */
  async usage(partnerId: string, day: string): Promise<UsageCount[]> {
    const byOperation = new Map<string, UsageCount>();
    for (const [field, value] of Object.entries(await this.store.fields(usageKey(partnerId, day)))) {
      const [operationName, counter] = field.split(FIELD_SEPARATOR) as [string, string];
      const count = byOperation.get(operationName) ?? { operationName, requests: 0, errors: 0 };
      if (counter === "requests" || counter === "errors") count[counter] = value;
      byOperation.set(operationName, count);
    }
    return [...byOperation.values()];
  }

  async lastUsedAt(partnerId: string): Promise<Date | null> {
    const raw = await this.store.get(lastUsedKey(partnerId));
    return raw ? new Date(Number(raw)) : null;
  }
}
