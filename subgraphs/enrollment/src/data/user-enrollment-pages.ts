import { groupByKey, type Keyset } from "@campus/subgraph";
import { Prisma, type EnrollmentPrisma, type EnrollmentRow } from "./enrollment.prisma";

/**
 * One user's keyset page: up to `take + 1` rows, newest enrollment first (an
 * extra row means more exist), and how many enrollments the user has in all.
 */
export interface UserEnrollmentPage {
  rows: EnrollmentRow[];
  totalCount: number;
}

/**
 * The same page (`take`, `after`) for every user in `userIds`, in one page
 * query and one count, however many users there are: the batch function
 * behind `User.enrollments`, so a listing of 50 users costs what 5 cost.
 *
 * Per user the rows are exactly those of a single-user keyset query: ordered
 * by (enrolledAt, id) descending and, after a cursor, strictly older than it
 * in that order. LATERAL runs that query once per user, each an index range
 * scan on (userId, enrolledAt, id) that stops after `take + 1` rows, so a
 * user with many enrollments costs no more than one with a few. The ids go
 * in as text[] and are cast in SQL, so neither driver adapter (pg, PGlite)
 * has to serialize a uuid[] parameter.
 */
export async function userEnrollmentPages(
  prisma: EnrollmentPrisma,
  userIds: readonly string[],
  take: number,
  after: Keyset | undefined,
): Promise<UserEnrollmentPage[]> {
  // (enrolledAt, id) < (at, id) compares row-wise: older, or as old with a smaller id.
  const olderThanCursor = after
    ? Prisma.sql`AND (e."enrolledAt", e."id") < (${after.at}::timestamptz, ${after.id}::uuid)`
    : Prisma.empty;
  const [rows, counts] = await Promise.all([
    prisma.$queryRaw<EnrollmentRow[]>`
      SELECT page.*
        FROM unnest(${[...userIds]}::text[]::uuid[]) AS wanted("userId")
        CROSS JOIN LATERAL (
          SELECT * FROM "enrollment"."Enrollment" AS e
           WHERE e."userId" = wanted."userId" ${olderThanCursor}
           ORDER BY e."enrolledAt" DESC, e."id" DESC
           LIMIT ${take + 1}::int
        ) AS page
       ORDER BY page."userId", page."enrolledAt" DESC, page."id" DESC`,
    prisma.enrollment.groupBy({
      by: ["userId"],
      where: { userId: { in: [...userIds] } },
      _count: { _all: true },
    }),
  ]);
  const totals = new Map(counts.map((group) => [group.userId, group._count._all]));
  return groupByKey(userIds, rows, (row) => row.userId).map((userRows, index) => ({
    rows: userRows,
    totalCount: totals.get(userIds[index]!) ?? 0,
  }));
}
