import type { Prisma, PrismaClient } from "./generated/client";

/** Assessment's Prisma client (the kit creates it over assessment's database) and its transactions. */
export type AssessmentPrisma = InstanceType<typeof PrismaClient>;
export type AssessmentTx = Prisma.TransactionClient;

export {
  Prisma,
  PrismaClient,
  AssignmentKind,
  AssignmentStatus,
  SubmissionStatus,
  type Assignment as AssignmentRow,
  type Question as QuestionRow,
  type Submission as SubmissionRow,
} from "./generated/client";
