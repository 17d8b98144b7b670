import {
  isPartnerScope,
  newApiKey,
  readManifest,
  usageDay,
  viewerIsAdmin,
  type ManifestLimits,
  type PartnerDirectory,
  type PartnerRecord,
  type PartnerScope,
  type UsageCount,
  type Viewer,
} from "@campus/auth";
import { badInput, conflict, forbidden, notFound, unauthenticated } from "@campus/errors";
import type { UnitOfWork } from "@campus/events";
import type { IdentityTx, PartnerRow } from "../data/identity.prisma";
import type { PartnerRepository, PartnerWithKeys } from "../data/partner.repository";

export interface PartnerSettings {
  /** How long a rotated-out key keeps working. */
  keyGraceMs: number;
  defaultRequestsPerMinute: number;
  manifest: ManifestLimits;
}

export interface CreatePartnerInput {
  name: string;
  contactEmail: string;
  scopes: string[];
  requestsPerMinute?: number | null;
}

export interface DailyUsage extends UsageCount {
  day: string;
}

const MAX_REQUESTS_PER_MINUTE = 100_000;
const DAY_MS = 24 * 3600_000;

/** What the router is told about a partner (the SharedStore records of @campus/auth's PartnerDirectory). */
export function partnerRecord(partner: PartnerRow): PartnerRecord {
  return {
    id: partner.id,
    status: partner.status,
    scopes: partner.scopes.filter(isPartnerScope),
    requestsPerMinute: partner.requestsPerMinute,
    operationsVersion: partner.operationsVersion,
  };
}

/**
 * Partners: created, rotated, suspended and given their safelist by admins.
 * Each change commits in identity's database first, then is published to the
 * SharedStore the routers read (`publish`); PartnerSync republishes every
 * partner at start and every minute, so a write lost between the two heals.
 */
export class PartnerService {
  constructor(
    private readonly partners: PartnerRepository,
    private readonly work: UnitOfWork<IdentityTx>,
    private readonly directory: PartnerDirectory,
    private readonly settings: PartnerSettings,
  ) {}

  async create(viewer: Viewer, input: CreatePartnerInput) {
    this.requireAdmin(viewer);
    const name = input.name.trim();
    const contactEmail = input.contactEmail.trim().toLowerCase();
    if (!name) throw badInput("A partner needs a name", { field: "name" });
    if (!/^[^\s@]+@[^\s@]+$/.test(contactEmail)) throw badInput("contactEmail must be an email address");
    const scopes = [...new Set(input.scopes)];
    if (!scopes.every(isPartnerScope)) throw badInput("Unknown scope", { field: "scopes" });
    const requestsPerMinute = input.requestsPerMinute ?? this.settings.defaultRequestsPerMinute;
    if (!Number.isInteger(requestsPerMinute) || requestsPerMinute < 1 || requestsPerMinute > MAX_REQUESTS_PER_MINUTE) {
      throw badInput(`requestsPerMinute must be from 1 to ${MAX_REQUESTS_PER_MINUTE}`, { field: "requestsPerMinute" });
    }
    const key = newApiKey();
    const partner = await this.work.run((tx) =>
      this.partners.create(tx, { name, contactEmail, scopes, requestsPerMinute }, { id: key.keyId, hash: key.hash }),
    );
    await this.publish(partner.id);
    return { partner, apiKey: key.apiKey };
  }

  async rotateKey(viewer: Viewer, partnerId: string) {
    this.requireAdmin(viewer);
    const key = newApiKey();
    const partner = await this.work.run(async (tx) => {
      const locked = await this.partners.locked(tx, partnerId);
      if (!locked) throw notFound("Partner");
      if (locked.status !== "ACTIVE") throw conflict("A suspended partner's key cannot be rotated");
      await this.partners.deleteExpiredKeys(tx, partnerId, new Date());
      await this.partners.rotate(tx, partnerId, { id: key.keyId, hash: key.hash }, this.graceEnd());
      return locked;
    });
    await this.publish(partner.id);
    return { partner, apiKey: key.apiKey };
  }

  /** Idempotent: suspending a suspended partner answers it as it is. */
  async suspend(viewer: Viewer, partnerId: string): Promise<PartnerRow> {
    this.requireAdmin(viewer);
    const partner = await this.work.run(async (tx) => {
      const locked = await this.partners.locked(tx, partnerId);
      if (!locked) throw notFound("Partner");
      return locked.status === "SUSPENDED" ? locked : this.partners.suspend(tx, partnerId);
    });
    await this.publish(partner.id);
    return partner;
  }

  /**
   * Replaces the partner's safelist with a manifest's operations, refused
   * whole with every problem listed. The router has already checked them
   * against the supergraph and the partner's scopes (it has the graph; see
   * docs/partners.md); here the manifest's own shape and limits are checked.
   */
  async publishOperations(viewer: Viewer, partnerId: string, manifest: string): Promise<PartnerRow> {
    this.requireAdmin(viewer);
    const { operations, problems } = readManifest(manifest, this.settings.manifest);
    if (problems.length > 0) throw badInput("The manifest was refused", { problems });
    const { partner, previous } = await this.work.run(async (tx) => {
      const locked = await this.partners.locked(tx, partnerId);
      if (!locked) throw notFound("Partner");
      return { partner: await this.partners.replaceOperations(tx, partnerId, operations), previous: locked };
    });
    // the new list first, then the record pointing at it: a router never follows a pointer to nothing
    await this.directory.publishOperations(partner.id, partner.operationsVersion, operations);
    await this.publish(partner.id);
    await this.directory.dropOperations(partner.id, previous.operationsVersion);
    return partner;
  }

  list(viewer: Viewer): Promise<PartnerWithKeys[]> {
    this.requireAdmin(viewer);
    return this.partners.all();
  }

  /**
   * Requests and errors per operation per day, newest first: the folded rows,
   * topped up with the router's live counters for the days the fold may not
   * have reached yet (counts are absolute per day, so the larger one is right).
   */
  async usage(partnerId: string, days: number, now = Date.now()): Promise<DailyUsage[]> {
    if (!Number.isInteger(days) || days < 1 || days > 90) throw badInput("days must be from 1 to 90");
    const since = usageDay(now - (days - 1) * DAY_MS);
    const rows = new Map<string, DailyUsage>();
    for (const row of await this.partners.usageSince(partnerId, new Date(`${since}T00:00:00Z`))) {
      const day = row.day.toISOString().slice(0, 10);
      rows.set(`${day}\t${row.operationName}`, {
        day,
        operationName: row.operationName,
        requests: row.requests,
        errors: row.errors,
      });
    }
    for (const day of this.liveDays(now).filter((d) => d >= since)) {
      for (const count of await this.directory.usage(partnerId, day)) {
        const known = rows.get(`${day}\t${count.operationName}`);
        rows.set(`${day}\t${count.operationName}`, {
          day,
          operationName: count.operationName,
          requests: Math.max(count.requests, known?.requests ?? 0),
          errors: Math.max(count.errors, known?.errors ?? 0),
        });
      }
    }
    return [...rows.values()].sort(
      (a, b) => b.day.localeCompare(a.day) || a.operationName.localeCompare(b.operationName),
    );
  }

  async lastUsedAt(partner: PartnerRow): Promise<Date | null> {
    const live = await this.directory.lastUsedAt(partner.id);
    if (!live) return partner.lastUsedAt;
    return !partner.lastUsedAt || live > partner.lastUsedAt ? live : partner.lastUsedAt;
  }

  /** Today and yesterday (UTC): the days whose counters the router may still be adding to. */
  liveDays(now = Date.now()): string[] {
    return [usageDay(now), usageDay(now - DAY_MS)];
  }

  /** Writes the partner's records (and keys) to the SharedStore from the database. */
  async publish(partnerId: string): Promise<void> {
    const partner = await this.partners.withKeys(partnerId);
    if (partner) await this.directory.publishPartner(partnerRecord(partner), this.liveKeys(partner));
  }

  liveKeys(partner: PartnerWithKeys) {
    return partner.keys.map((key) => ({ keyId: key.id, hash: key.hash, expiresAt: key.expiresAt }));
  }

  private graceEnd() {
    return new Date(Date.now() + this.settings.keyGraceMs);
  }

  private requireAdmin(viewer: Viewer) {
    if (!viewer.userId) throw unauthenticated();
    if (!viewerIsAdmin(viewer)) throw forbidden("Admins only");
  }
}

export type { PartnerScope };
