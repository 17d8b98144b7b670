import type { Prisma, PrismaClient } from "./generated/client";

/** Commerce's Prisma client (the kit creates it over commerce's database) and its transactions. */
export type CommercePrisma = InstanceType<typeof PrismaClient>;
export type CommerceTx = Prisma.TransactionClient;

export {
  Prisma,
  PrismaClient,
  OrderStatus,
  PaymentStatus,
  RefundStatus,
  PlanInterval,
  SubscriptionStatus,
  InvoiceStatus,
  type Plan as PlanRow,
  type Subscription as SubscriptionRow,
  type Invoice as InvoiceRow,
  type InvoiceLine as InvoiceLineRow,
  type InvoicePayment as InvoicePaymentRow,
  type Order as OrderRow,
  type OrderItem as OrderItemRow,
  type Payment as PaymentRow,
  type Refund as RefundRow,
  type OrderEvent as OrderEventRow,
} from "./generated/client";
