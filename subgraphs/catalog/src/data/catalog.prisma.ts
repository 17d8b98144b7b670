import type { Course, Module, Prisma, PrismaClient } from "./generated/client";

/** Catalog's Prisma client (the kit creates it over catalog's database) and its transactions. */
export type CatalogPrisma = InstanceType<typeof PrismaClient>;
export type CatalogTx = Prisma.TransactionClient;

/** A course row, optionally carrying its modules (cached reads do, listing rows don't). */
export type CourseRecord = Course & { modules?: Module[] };

export {
  Prisma,
  PrismaClient,
  CourseLevel,
  CourseStatus,
  type Category as CategoryRow,
  type Course as CourseRow,
  type Module as ModuleRow,
} from "./generated/client";
export { isUniqueViolation } from "@campus/database";
