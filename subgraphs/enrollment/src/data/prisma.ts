import type { Database } from "@campus/database";
import { PrismaClient } from "./generated/client";

export type EnrollmentPrisma = InstanceType<typeof PrismaClient>;

export function createEnrollmentPrisma(db: Database): EnrollmentPrisma {
  return new PrismaClient({ adapter: db.adapter });
}

export { Prisma, EnrollmentStatus, type Enrollment as EnrollmentRow } from "./generated/client";
