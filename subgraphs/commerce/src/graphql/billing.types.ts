import { Money, MoneyInput } from "@campus/subgraph";
import { GraphQLDateTimeISO } from "graphql-scalars";
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { connectionTypes } from "@campus/subgraph";
import { InvoiceStatus, PlanInterval } from "../data/commerce.prisma";

registerEnumType(PlanInterval, { name: "PlanInterval" });
registerEnumType(InvoiceStatus, { name: "InvoiceStatus" });

/** What clients see; INCOMPLETE and INCOMPLETE_EXPIRED are subscribe's own and never shown. */
export enum SubscriptionStatus {
  TRIALING = "TRIALING",
  ACTIVE = "ACTIVE",
  PAST_DUE = "PAST_DUE",
  CANCELED = "CANCELED",
}
registerEnumType(SubscriptionStatus, { name: "SubscriptionStatus" });

@ObjectType({ description: "A subscription plan: while subscribed, a learner may enroll in every paid course." })
export class Plan {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  description!: string;

  @Field(() => PlanInterval)
  interval!: PlanInterval;

  @Field(() => Int, { nullable: true, description: "Free days before the first charge; null: none." })
  trialDays!: number | null;

  @Field(() => Boolean, { description: "Only active plans are listed and can be subscribed to." })
  active!: boolean;

  priceAmount!: number;
  currency!: string;
}

// "Subscription" would be GraphQL's root subscription type.
@ObjectType("PlanSubscription", { description: "A learner's subscription to a plan." })
export class PlanSubscription {
  @Field(() => ID)
  id!: string;

  @Field(() => SubscriptionStatus)
  status!: SubscriptionStatus;

  @Field(() => GraphQLDateTimeISO)
  currentPeriodStart!: Date;

  @Field(() => GraphQLDateTimeISO, { description: "The next charge (or the end, with cancelAtPeriodEnd)." })
  currentPeriodEnd!: Date;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  trialEnd!: Date | null;

  @Field(() => Boolean, { description: "Ends at currentPeriodEnd without another charge." })
  cancelAtPeriodEnd!: boolean;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  endedAt!: Date | null;

  planId!: string;
}

@ObjectType()
export class InvoiceLine {
  @Field(() => String)
  description!: string;

  @Field(() => Int)
  quantity!: number;

  unitPriceAmount!: number;
  totalAmount!: number;
}

@ObjectType({ description: "INV-<year>-<n>: numbered without gaps; tax added to the subtotal." })
export class Invoice {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  number!: string;

  @Field(() => InvoiceStatus)
  status!: InvoiceStatus;

  @Field(() => GraphQLDateTimeISO)
  issuedAt!: Date;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  paidAt!: Date | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  periodStart!: Date | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  periodEnd!: Date | null;

  currency!: string;
  subtotalAmount!: number;
  taxAmount!: number;
  totalAmount!: number;
}

@InputType()
export class CreatePlanInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  description!: string;

  @Field(() => PlanInterval)
  interval!: PlanInterval;

  @Field(() => MoneyInput, { description: "Per interval, before tax." })
  price!: MoneyInput;

  @Field(() => Int, { nullable: true, description: "Free days before the first charge." })
  trialDays?: number | null;
}

@InputType()
export class SubscribeInput {
  @Field(() => ID)
  planId!: string;

  @Field(() => String, {
    description: 'A payment provider token, saved for renewals; mock: "pm_card_visa", "pm_card_chargeDeclined".',
  })
  paymentMethod!: string;

  @Field(() => String, {
    description: "Client-chosen, 16-255 characters: the same key with the same input returns the same subscription.",
  })
  idempotencyKey!: string;
}

export { Money };
export const { Edge: InvoiceEdge, Connection: InvoiceConnection } = connectionTypes(Invoice, "Invoice");
export type InvoiceConnection = InstanceType<typeof InvoiceConnection>;
