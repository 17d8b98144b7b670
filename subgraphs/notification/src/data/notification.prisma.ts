import type { Prisma, PrismaClient } from "./generated/client";

/** Notification's Prisma client (the kit creates it over notification's database) and its transactions. */
export type NotificationPrisma = InstanceType<typeof PrismaClient>;
export type NotificationTx = Prisma.TransactionClient;

export {
  Prisma,
  PrismaClient,
  type Notification as NotificationRow,
  type EmailDelivery as EmailDeliveryRow,
  type NotificationPreference as PreferenceRow,
} from "./generated/client";
