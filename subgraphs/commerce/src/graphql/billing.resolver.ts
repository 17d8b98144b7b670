import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "@campus/subgraph";
import type { BillingRepository } from "../data/billing.repository";
import type { InvoiceLineRow, InvoiceRow, PlanRow, SubscriptionRow } from "../data/commerce.prisma";
import type { InvoiceService } from "../service/invoice.service";
import type { PlanService } from "../service/plan.service";
import type { SubscriptionService } from "../service/subscription.service";
import {
  CreatePlanInput,
  Invoice,
  InvoiceConnection,
  InvoiceLine,
  Money,
  Plan,
  PlanSubscription,
  SubscribeInput,
} from "./billing.types";

// Prisma's rows carry every field their object types declare (statuses shown are a subset of the rows').
const asPlan = (row: PlanRow) => row as unknown as Plan;
const asSubscription = (row: SubscriptionRow | null) => row as unknown as PlanSubscription | null;

@Resolver(() => Plan)
export class PlanResolver {
  constructor(private readonly planService: PlanService) {}

  @Query(() => [Plan], { description: "Active plans, oldest first; public." })
  async plans() {
    return (await this.planService.active()).map(asPlan);
  }

  @Mutation(() => Plan, { description: "Admins." })
  async createPlan(@Arg("input", () => CreatePlanInput) input: CreatePlanInput) {
    return asPlan(await this.planService.create(input));
  }

  @FieldResolver(() => Money, { description: "Per interval, before tax." })
  price(@Root() plan: Plan): Money {
    return { amount: plan.priceAmount, currency: plan.currency };
  }
}

@Resolver(() => PlanSubscription)
export class SubscriptionResolver {
  constructor(
    private readonly subscriptions: SubscriptionService,
    private readonly billing: BillingRepository,
  ) {}

  @Query(() => PlanSubscription, {
    nullable: true,
    description: "The signed-in user's live subscription, else the one that ended last; null if none.",
  })
  async subscription(@Ctx() ctx: SubgraphContext) {
    return asSubscription(await this.subscriptions.mine(ctx.viewer));
  }

  @Mutation(() => PlanSubscription, {
    description:
      "Subscribes the signed-in user, once per idempotency key: charged now (or TRIALING); a declined card is BAD_USER_INPUT.",
  })
  async subscribe(@Arg("input", () => SubscribeInput) input: SubscribeInput, @Ctx() ctx: SubgraphContext) {
    return asSubscription(await this.subscriptions.subscribe(ctx.viewer, input));
  }

  @Mutation(() => PlanSubscription, { description: "The owner's: ends at the current period's end, no more charges." })
  async cancelSubscription(@Arg("id", () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return asSubscription(await this.subscriptions.cancel(ctx.viewer, id));
  }

  @FieldResolver(() => Plan)
  async plan(@Root() sub: PlanSubscription, @Ctx() ctx: SubgraphContext) {
    return asPlan((await this.billing.plan(ctx.loaders, sub.planId))!);
  }

  @FieldResolver(() => Invoice, { nullable: true, description: "The last one issued (a renewal's may be OPEN)." })
  async latestInvoice(@Root() sub: PlanSubscription, @Ctx() ctx: SubgraphContext) {
    return (await this.billing.latestInvoice(ctx.loaders, sub.id)) as unknown as Invoice | null;
  }
}

@Resolver(() => Invoice)
export class InvoiceResolver {
  constructor(
    private readonly invoiceService: InvoiceService,
    private readonly billing: BillingRepository,
  ) {}

  @Query(() => InvoiceConnection, { description: "The signed-in user's invoices, newest first." })
  invoices(
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: SubgraphContext,
  ) {
    return this.invoiceService.listForViewer(ctx.viewer, first, after);
  }

  @FieldResolver(() => Money, { description: "Before tax." })
  subtotal(@Root() invoice: Invoice): Money {
    return { amount: invoice.subtotalAmount, currency: invoice.currency };
  }

  @FieldResolver(() => Money)
  tax(@Root() invoice: Invoice): Money {
    return { amount: invoice.taxAmount, currency: invoice.currency };
  }

  @FieldResolver(() => Money)
  total(@Root() invoice: Invoice): Money {
    return { amount: invoice.totalAmount, currency: invoice.currency };
  }

  @FieldResolver(() => [InvoiceLine])
  async lines(@Root() invoice: Invoice, @Ctx() ctx: SubgraphContext) {
    const lines = await this.billing.lines(ctx.loaders, invoice.id);
    return lines.map((line) => ({ ...line, currency: invoice.currency })) as unknown as InvoiceLine[];
  }

  @FieldResolver(() => String, { description: "A signed download URL of the invoice as PDF; expires in minutes." })
  pdfUrl(@Root() invoice: Invoice) {
    return this.invoiceService.pdfUrl(invoice as unknown as InvoiceRow);
  }
}

@Resolver(() => InvoiceLine)
export class InvoiceLineResolver {
  @FieldResolver(() => Money)
  unitPrice(@Root() line: InvoiceLineRow): Money {
    return { amount: line.unitPriceAmount, currency: this.currencyOf(line) };
  }

  @FieldResolver(() => Money)
  total(@Root() line: InvoiceLineRow): Money {
    return { amount: line.totalAmount, currency: this.currencyOf(line) };
  }

  private currencyOf(line: InvoiceLineRow): string {
    return (line as InvoiceLineRow & { currency: string }).currency;
  }
}
