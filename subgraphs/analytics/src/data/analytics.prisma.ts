import type { Prisma, PrismaClient } from "./generated/client";

/** Analytics' Prisma client (the kit creates it over analytics' database) and its transactions. */
export type AnalyticsPrisma = InstanceType<typeof PrismaClient>;
export type AnalyticsTx = Prisma.TransactionClient;

export { Prisma, PrismaClient } from "./generated/client";
