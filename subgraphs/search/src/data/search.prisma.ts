import type { Prisma, PrismaClient } from "./generated/client";

/** Search's Prisma client (the kit creates it over search's database) and its transactions. */
export type SearchPrisma = InstanceType<typeof PrismaClient>;
export type SearchTx = Prisma.TransactionClient;

export {
  Prisma,
  PrismaClient,
  type CourseFacts as CourseFactsRow,
  type ArticleFacts as ArticleFactsRow,
} from "./generated/client";
