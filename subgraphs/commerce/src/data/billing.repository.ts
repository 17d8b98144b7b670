import { byKey, groupByKey, isUuid, keysetAfter, type Keyset, type LoaderRegistry } from "@campus/subgraph";
import type { CommercePrisma, InvoiceLineRow, InvoiceRow, PlanRow, SubscriptionRow } from "./commerce.prisma";

/** Subscriptions users see: a live one, or how the last one ended (never subscribe's unfinished attempts). */
const SHOWN = ["TRIALING", "ACTIVE", "PAST_DUE", "CANCELED"] as const;

/** Reads of plans, subscriptions and invoices; per-row relations go through the request's loaders. */
export class BillingRepository {
  constructor(private readonly prisma: CommercePrisma) {}

  activePlans(): Promise<PlanRow[]> {
    return this.prisma.plan.findMany({ where: { active: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  }

  plan(loaders: LoaderRegistry, id: string): Promise<PlanRow | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return loaders
      .get<string, PlanRow | null>("commerce:plan", async (ids) =>
        byKey(ids, await this.prisma.plan.findMany({ where: { id: { in: [...ids] } } }), (row) => row.id),
      )
      .load(id);
  }

  planFresh(id: string): Promise<PlanRow | null> {
    return isUuid(id) ? this.prisma.plan.findUnique({ where: { id } }) : Promise.resolve(null);
  }

  subscription(id: string): Promise<SubscriptionRow | null> {
    return isUuid(id) ? this.prisma.subscription.findUnique({ where: { id } }) : Promise.resolve(null);
  }

  /** The user's live subscription, else the one that ended last. */
  async currentOf(userId: string): Promise<SubscriptionRow | null> {
    const live = await this.prisma.subscription.findUnique({ where: { liveUserId: userId } });
    if (live && live.status !== "INCOMPLETE") return live;
    return this.prisma.subscription.findFirst({
      where: { userId, status: { in: [...SHOWN] } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    });
  }

  subscriptionRequest(userId: string, key: string) {
    return this.prisma.subscriptionRequest.findUnique({ where: { userId_key: { userId, key } } });
  }

  lastFailureOf(subscriptionId: string) {
    return this.prisma.invoicePayment.findFirst({
      where: { invoice: { subscriptionId }, status: "FAILED" },
      orderBy: { createdAt: "desc" },
    });
  }

  latestInvoice(loaders: LoaderRegistry, subscriptionId: string): Promise<InvoiceRow | null> {
    return loaders
      .get<string, InvoiceRow | null>("commerce:latest-invoice", async (ids) => {
        const rows = await this.prisma.invoice.findMany({
          where: { subscriptionId: { in: [...ids] } },
          orderBy: [{ issuedAt: "desc" }, { number: "desc" }],
          distinct: ["subscriptionId"],
        });
        return byKey(ids, rows, (row) => row.subscriptionId!);
      })
      .load(subscriptionId);
  }

  lines(loaders: LoaderRegistry, invoiceId: string): Promise<InvoiceLineRow[]> {
    return loaders
      .get<string, InvoiceLineRow[]>("commerce:invoice-lines", async (ids) =>
        groupByKey(
          ids,
          await this.prisma.invoiceLine.findMany({
            where: { invoiceId: { in: [...ids] } },
            orderBy: { position: "asc" },
          }),
          (row) => row.invoiceId,
        ),
      )
      .load(invoiceId);
  }

  /** The user's invoices, newest first, keyset-paged on (issuedAt, id). */
  async invoicePage(userId: string, take: number, after: Keyset | undefined) {
    const where = { userId, status: { not: "VOID" as const } };
    const [rows, totalCount] = await Promise.all([
      this.prisma.invoice.findMany({
        where: after ? { AND: [where, keysetAfter("issuedAt", after, "desc")] } : where,
        orderBy: [{ issuedAt: "desc" }, { id: "desc" }],
        take: take + 1,
      }),
      this.prisma.invoice.count({ where }),
    ]);
    return { rows, totalCount };
  }

  invoiceWithLines(id: string) {
    return this.prisma.invoice.findUnique({ where: { id }, include: { lines: { orderBy: { position: "asc" } } } });
  }
}
