import { keysetAfter, type Keyset } from "@campus/subgraph";
import type { EmailDeliveryRow, NotificationPrisma } from "./notification.prisma";

export type DeliveryStatus = EmailDeliveryRow["status"];

/** The email outbox: claims for the sender, outcomes, and the admins' list. */
export class EmailDeliveryRepository {
  constructor(private readonly prisma: NotificationPrisma) {}

  /**
   * Claims up to `batch` QUEUED rows that are due and not held by another
   * sender, until `until`: a replica that crashes mid-send lets its claim
   * expire and another sends the row (at least once, like any mail system).
   */
  claim(batch: number, now: Date, until: Date): Promise<EmailDeliveryRow[]> {
    return this.prisma.$queryRaw<EmailDeliveryRow[]>`
      UPDATE "notification"."EmailDelivery" SET "claimedUntil" = ${until}
      WHERE "id" IN (
        SELECT "id" FROM "notification"."EmailDelivery"
        WHERE "status" = 'QUEUED' AND "nextAttemptAt" <= ${now}
          AND ("claimedUntil" IS NULL OR "claimedUntil" < ${now})
        ORDER BY "nextAttemptAt", "id" LIMIT ${batch} FOR UPDATE SKIP LOCKED)
      RETURNING *`;
  }

  async sent(id: string, messageId: string, at: Date): Promise<void> {
    await this.prisma.emailDelivery.update({
      where: { id },
      data: { status: "SENT", sentAt: at, messageId, attempts: { increment: 1 }, claimedUntil: null, lastError: null },
    });
  }

  async bounced(id: string, error: string): Promise<void> {
    await this.prisma.emailDelivery.update({
      where: { id },
      data: { status: "BOUNCED", attempts: { increment: 1 }, lastError: error, claimedUntil: null },
    });
  }

  /** A failed attempt: QUEUED again at `retryAt`, or FAILED when it was the last. */
  async failed(id: string, error: string, retryAt: Date | null): Promise<void> {
    await this.prisma.emailDelivery.update({
      where: { id },
      data: {
        status: retryAt ? "QUEUED" : "FAILED",
        attempts: { increment: 1 },
        lastError: error,
        claimedUntil: null,
        ...(retryAt ? { nextAttemptAt: retryAt } : {}),
      },
    });
  }

  /** QUEUED rows that are due now (tests and health). */
  due(now: Date): Promise<number> {
    return this.prisma.emailDelivery.count({ where: { status: "QUEUED", nextAttemptAt: { lte: now } } });
  }

  async page(filter: { status?: DeliveryStatus; after?: Keyset; take: number }) {
    const where = { ...(filter.status ? { status: filter.status } : {}) };
    const [rows, totalCount] = await Promise.all([
      this.prisma.emailDelivery.findMany({
        where: { ...where, ...(filter.after ? keysetAfter("createdAt", filter.after, "desc") : {}) },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: filter.take + 1,
      }),
      this.prisma.emailDelivery.count({ where }),
    ]);
    return { rows, totalCount };
  }
}
