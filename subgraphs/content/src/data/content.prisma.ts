import type { Prisma, PrismaClient } from "./generated/client";

/** Content's Prisma client (the kit creates it over content's database) and its transactions. */
export type ContentPrisma = InstanceType<typeof PrismaClient>;
export type ContentTx = Prisma.TransactionClient;

export {
  Prisma,
  PrismaClient,
  ContentKind,
  ContentStatus,
  type ContentItem as ContentItemRow,
  type ContentVersion as ContentVersionRow,
} from "./generated/client";
