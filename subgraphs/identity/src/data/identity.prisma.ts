import type { Prisma, PrismaClient } from "./generated/client";

/** Identity's Prisma client (the kit creates it over identity's database) and its transactions. */
export type IdentityPrisma = InstanceType<typeof PrismaClient>;
export type IdentityTx = Prisma.TransactionClient;

export {
  Prisma,
  PrismaClient,
  type User as UserRow,
  type Role,
  type UserStatus,
  type Partner as PartnerRow,
  type PartnerKey as PartnerKeyRow,
  type PartnerUsage as PartnerUsageRow,
} from "./generated/client";
export { isUniqueViolation } from "@campus/database";
