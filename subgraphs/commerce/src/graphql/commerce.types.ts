import { GraphQLDateTimeISO } from "graphql-scalars";
import { Directive, Field, ID, InputType, ObjectType, registerEnumType } from "type-graphql";
import { connectionTypes } from "@campus/subgraph";
import { OrderStatus, PaymentStatus, RefundStatus } from "../data/commerce.prisma";

registerEnumType(OrderStatus, { name: "OrderStatus" });
registerEnumType(PaymentStatus, { name: "PaymentStatus" });
registerEnumType(RefundStatus, { name: "RefundStatus" });

/** Catalog owns Course; commerce adds what the viewer bought. */
@ObjectType("Course")
@Directive('@key(fields: "id")')
export class CourseEntity {
  @Field(() => ID)
  id!: string;
}

/** Identity owns User; commerce adds their orders. */
@ObjectType("User")
@Directive('@key(fields: "id")')
export class UserEntity {
  @Field(() => ID)
  id!: string;
}

@ObjectType({ description: "A course in a cart, at catalog's current price." })
export class CartItem {
  @Field(() => ID)
  id!: string;

  courseId!: string;
}

@ObjectType({
  description: "A guest's cart (found by its token) or a signed-in user's one cart. Prices are catalog's, read live.",
})
export class Cart {
  @Field(() => ID)
  id!: string;

  @Field(() => String, {
    nullable: true,
    description: "A guest cart's key: send it back as `cartToken`. Null for a signed-in user's cart.",
  })
  token!: string | null;

  @Field(() => [CartItem])
  items!: CartItem[];
}

@ObjectType({ description: "A course bought in an order, at the price charged." })
export class OrderItem {
  @Field(() => ID)
  id!: string;

  courseId!: string;
  priceAmount!: number;
  currency!: string;
  refundedAt!: Date | null;
  fulfilledAt!: Date | null;
}

@ObjectType({ description: "One attempt to take an order's money." })
export class Payment {
  @Field(() => ID)
  id!: string;

  @Field(() => PaymentStatus)
  status!: PaymentStatus;

  @Field(() => String, { description: '"mock" (the embedded default) or "stripe".' })
  provider!: string;

  @Field(() => String, {
    nullable: true,
    description: "Stripe's client secret, for confirming on the client (3-D Secure); only for the buyer.",
  })
  clientSecret!: string | null;

  @Field(() => String, { nullable: true, description: "Why it failed, e.g. generic_decline." })
  failureCode!: string | null;

  @Field(() => GraphQLDateTimeISO)
  createdAt!: Date;

  amount!: number;
  currency!: string;
}

@ObjectType({ description: "Money given back for some of an order's items." })
export class Refund {
  @Field(() => ID)
  id!: string;

  @Field(() => RefundStatus)
  status!: RefundStatus;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => GraphQLDateTimeISO)
  createdAt!: Date;

  amount!: number;
  currency!: string;
}

@ObjectType({ description: "A step in an order's life, for support: PLACED, PAID, FULFILLED, REFUNDED, …" })
export class OrderTimelineEntry {
  @Field(() => String)
  kind!: string;

  @Field(() => String, { nullable: true })
  detail!: string | null;

  @Field(() => GraphQLDateTimeISO)
  at!: Date;
}

@ObjectType({ description: "A purchase: one currency, one payment at a time, courses granted through enrollment." })
@Directive('@key(fields: "id")')
export class Order {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: "For people: CAM-<year>-<sequence>." })
  number!: string;

  @Field(() => OrderStatus)
  status!: OrderStatus;

  @Field(() => String, {
    nullable: true,
    description: "Why the order ended as it did (a declined card, a course that could not be granted).",
  })
  statusReason!: string | null;

  @Field(() => GraphQLDateTimeISO)
  createdAt!: Date;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  paidAt!: Date | null;

  userId!: string;
  totalAmount!: number;
  currency!: string;
}

@ObjectType()
export class CheckoutResult {
  @Field(() => Order)
  order!: Order;

  @Field(() => Payment)
  payment!: Payment;
}

@InputType()
export class CheckoutInput {
  @Field(() => String, {
    description: "Client-chosen, 16-255 characters: the same key with the same cart returns the same order.",
  })
  idempotencyKey!: string;

  @Field(() => String, {
    description: 'A payment provider token; mock provider: "pm_card_visa", "pm_card_chargeDeclined".',
  })
  paymentMethod!: string;
}

@InputType({ description: "Admins' order search; every field narrows it." })
export class OrderFilterInput {
  @Field(() => OrderStatus, { nullable: true })
  status?: OrderStatus;

  @Field(() => ID, { nullable: true })
  userId?: string;

  @Field(() => String, { nullable: true, description: "An exact order number, e.g. CAM-2026-001042." })
  number?: string;
}

export const { Edge: OrderEdge, Connection: OrderConnection } = connectionTypes(Order, "Order");
export type OrderConnection = InstanceType<typeof OrderConnection>;
