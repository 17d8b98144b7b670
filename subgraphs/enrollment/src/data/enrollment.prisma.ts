import type { Prisma, PrismaClient } from "./generated/client";

/** Enrollment's Prisma client (the kit creates it over enrollment's database) and its transactions. */
export type EnrollmentPrisma = InstanceType<typeof PrismaClient>;
export type EnrollmentTx = Prisma.TransactionClient;

export { Prisma, PrismaClient, EnrollmentStatus, type Enrollment as EnrollmentRow } from "./generated/client";
export { isUniqueViolation } from "@campus/database";
