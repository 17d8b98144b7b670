import type { Database } from "@campus/database";
import { PrismaClient } from "./generated/client";

export type IdentityPrisma = InstanceType<typeof PrismaClient>;

export function createIdentityPrisma(db: Database): IdentityPrisma {
  return new PrismaClient({ adapter: db.adapter });
}

export { Prisma, type User as UserRow, type Role, type UserStatus } from "./generated/client";
