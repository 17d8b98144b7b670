import type { PersistedOperation } from "@campus/auth";
import { isUuid } from "@campus/subgraph";
import type { IdentityPrisma, IdentityTx, PartnerKeyRow, PartnerRow, PartnerUsageRow } from "./identity.prisma";

export type PartnerWithKeys = PartnerRow & { keys: PartnerKeyRow[] };

/** Partners, their keys (hashes only), their safelists and folded usage. */
export class PartnerRepository {
  constructor(private readonly prisma: IdentityPrisma) {}

  /** The partner's row, locked until commit so rotations and publishes take turns. */
  async locked(tx: IdentityTx, id: string): Promise<PartnerRow | null> {
    if (!isUuid(id)) return null;
    await tx.$queryRaw`SELECT 1 FROM "identity"."Partner" WHERE "id" = ${id}::uuid FOR UPDATE`;
    return tx.partner.findUnique({ where: { id } });
  }

  withKeys(id: string, client: IdentityTx | IdentityPrisma = this.prisma): Promise<PartnerWithKeys | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return client.partner.findUnique({ where: { id }, include: { keys: true } });
  }

  all(): Promise<PartnerWithKeys[]> {
    return this.prisma.partner.findMany({ include: { keys: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  }

  create(
    tx: IdentityTx,
    data: { name: string; contactEmail: string; scopes: string[]; requestsPerMinute: number },
    key: { id: string; hash: string },
  ): Promise<PartnerRow> {
    return tx.partner.create({ data: { ...data, keys: { create: key } } });
  }

  /** Current keys start their grace; keys already in grace keep their end. */
  async rotate(tx: IdentityTx, partnerId: string, key: { id: string; hash: string }, graceEndsAt: Date) {
    await tx.partnerKey.updateMany({ where: { partnerId, expiresAt: null }, data: { expiresAt: graceEndsAt } });
    await tx.partnerKey.create({ data: { ...key, partnerId } });
  }

  /** Keys past their grace: kept nowhere once gone. */
  async deleteExpiredKeys(tx: IdentityTx, partnerId: string, now: Date): Promise<string[]> {
    const expired = await tx.partnerKey.findMany({
      where: { partnerId, expiresAt: { lte: now } },
      select: { id: true },
    });
    await tx.partnerKey.deleteMany({ where: { id: { in: expired.map((key) => key.id) } } });
    return expired.map((key) => key.id);
  }

  suspend(tx: IdentityTx, id: string): Promise<PartnerRow> {
    return tx.partner.update({ where: { id }, data: { status: "SUSPENDED" } });
  }

  /** Replaces the list and bumps its version. */
  async replaceOperations(tx: IdentityTx, partnerId: string, operations: PersistedOperation[]): Promise<PartnerRow> {
    await tx.partnerOperation.deleteMany({ where: { partnerId } });
    await tx.partnerOperation.createMany({ data: operations.map((operation) => ({ ...operation, partnerId })) });
    return tx.partner.update({ where: { id: partnerId }, data: { operationsVersion: { increment: 1 } } });
  }

  operations(partnerId: string): Promise<PersistedOperation[]> {
    return this.prisma.partnerOperation
      .findMany({ where: { partnerId }, select: { id: true, name: true, type: true, body: true } })
      .then((rows) => rows as PersistedOperation[]);
  }

  async operationCounts(partnerIds: string[]): Promise<Map<string, number>> {
    const counts = await this.prisma.partnerOperation.groupBy({
      by: ["partnerId"],
      where: { partnerId: { in: partnerIds } },
      _count: { _all: true },
    });
    return new Map(counts.map((row) => [row.partnerId, row._count._all]));
  }

  usageSince(partnerId: string, day: Date): Promise<PartnerUsageRow[]> {
    return this.prisma.partnerUsage.findMany({
      where: { partnerId, day: { gte: day } },
      orderBy: [{ day: "desc" }, { operationName: "asc" }],
    });
  }

  /**
   * The router's counters are absolute per day, so folding them is an upsert
   * that never lowers a count: running it twice, or after the store lost its
   * counters, changes nothing.
   */
  async foldUsage(
    partnerId: string,
    day: string,
    counts: { operationName: string; requests: number; errors: number }[],
  ) {
    for (const count of counts) {
      await this.prisma.$executeRaw`
        INSERT INTO "identity"."PartnerUsage" ("partnerId", "day", "operationName", "requests", "errors")
        VALUES (${partnerId}::uuid, ${day}::date, ${count.operationName}, ${count.requests}, ${count.errors})
        ON CONFLICT ("partnerId", "day", "operationName") DO UPDATE SET
          "requests" = GREATEST("PartnerUsage"."requests", EXCLUDED."requests"),
          "errors" = GREATEST("PartnerUsage"."errors", EXCLUDED."errors")`;
    }
  }

  async foldLastUsed(partnerId: string, at: Date) {
    await this.prisma.$executeRaw`
      UPDATE "identity"."Partner" SET "lastUsedAt" = ${at}
      WHERE "id" = ${partnerId}::uuid AND ("lastUsedAt" IS NULL OR "lastUsedAt" < ${at})`;
  }
}
