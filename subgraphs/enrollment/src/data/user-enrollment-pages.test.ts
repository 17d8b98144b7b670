import { randomUUID } from "node:crypto";
import type { Keyset } from "@campus/subgraph";
import { startSubgraph, type SubgraphHarness } from "@campus/testkit";
import { subgraph } from "../index";
import { PrismaClient, type EnrollmentPrisma } from "./enrollment.prisma";
import { userEnrollmentPages } from "./user-enrollment-pages";

describe("userEnrollmentPages (PGlite)", () => {
  let h: SubgraphHarness<unknown>;
  let prisma: EnrollmentPrisma;
  const [many, few, none] = [randomUUID(), randomUUID(), randomUUID()];
  const users = [many, few, none];

  /** Enrollments at the given instants; equal instants make the id decide the order. */
  async function enrollAt(userId: string, instants: string[], status = "ACTIVE") {
    for (const at of instants) {
      await h.db.query(
        `INSERT INTO "enrollment"."Enrollment" ("id", "userId", "courseId", "status", "enrolledAt", "updatedAt")
         VALUES ($1, $2, $3, $4::"enrollment"."EnrollmentStatus", $5, $5)`,
        [randomUUID(), userId, randomUUID(), status, at],
      );
    }
  }

  beforeAll(async () => {
    h = await startSubgraph(subgraph);
    prisma = new PrismaClient({ adapter: h.db.adapter });
    const tied = "2026-03-01T10:00:00.000Z";
    await enrollAt(many, ["2026-01-01T00:00:00.000Z", tied, tied, tied, "2026-05-01T00:00:00.001Z"]);
    await enrollAt(many, ["2026-02-01T00:00:00.000Z", tied], "CANCELLED");
    await enrollAt(few, ["2026-01-15T00:00:00.000Z", tied, "2026-04-01T00:00:00.000Z"]);
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await h.stop();
  });

  /** One user's page as a single-user keyset query reads it: what each batched page must equal. */
  const alone = (userId: string, take: number, after: Keyset | undefined) =>
    Promise.all([
      prisma.enrollment.findMany({
        where: {
          userId,
          ...(after && {
            OR: [{ enrolledAt: { lt: after.at } }, { enrolledAt: after.at, id: { lt: after.id } }],
          }),
        },
        orderBy: [{ enrolledAt: "desc" }, { id: "desc" }],
        take: take + 1,
      }),
      prisma.enrollment.count({ where: { userId } }),
    ]).then(([rows, totalCount]) => ({ rows, totalCount }));

  it("gives every user the rows and total of their own keyset query, for any page size and cursor", async () => {
    const all = await prisma.enrollment.findMany({ where: { userId: { in: users } } });
    // No cursor, and a cursor at every row of either user (ties included): users
    // listed together share `after`, so one user's cursor applies to the others too.
    const cursors = [undefined, ...all.map((row) => ({ at: row.enrolledAt, id: row.id }))];
    for (const take of [0, 1, 2, 3, 20]) {
      for (const after of cursors) {
        const batched = await userEnrollmentPages(prisma, users, take, after);
        const expected = await Promise.all(users.map((userId) => alone(userId, take, after)));
        expect(batched).toEqual(expected);
      }
    }
  });

  it("answers in users' order, and costs one page query and one count however many users", async () => {
    const cost = async (userIds: string[]) => {
      h.db.queries.reset();
      const pages = await userEnrollmentPages(prisma, userIds, 2, undefined);
      return { statements: h.db.queries.total, totals: pages.map((page) => page.totalCount) };
    };
    expect(await cost([none, few, many])).toEqual({ statements: 2, totals: [0, 3, 7] });
    const strangers = Array.from({ length: 50 }, () => randomUUID());
    expect(await cost([...strangers, many])).toEqual({ statements: 2, totals: [...strangers.map(() => 0), 7] });
  });
});
