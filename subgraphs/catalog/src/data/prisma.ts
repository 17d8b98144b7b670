import type { Database } from "@campus/database";
import { Prisma, PrismaClient, type Course, type Module } from "./generated/client";

export type CatalogPrisma = InstanceType<typeof PrismaClient>;

export function createCatalogPrisma(db: Database): CatalogPrisma {
  return new PrismaClient({ adapter: db.adapter });
}

/** A course row, optionally carrying its modules (cached reads do, listing rows don't). */
export type CourseRecord = Course & { modules?: Module[] };

/**
 * Prisma maps Postgres' unique violation to P2002, but the PGlite adapter
 * passes the raw SQLSTATE through (a DriverAdapterError with code 23505), so
 * the embedded runtime needs the second test.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) return error.code === "P2002";
  const cause = (error as { name?: string; cause?: { code?: string } } | null)?.cause;
  return (error as { name?: string } | null)?.name === "DriverAdapterError" && cause?.code === "23505";
}

export {
  Prisma,
  CourseLevel,
  CourseStatus,
  type Category as CategoryRow,
  type Course as CourseRow,
  type Module as ModuleRow,
} from "./generated/client";
