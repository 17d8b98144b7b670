import { byKey, encodeCursor, groupByKey, isUuid, type Keyset, type LoaderRegistry } from "@campus/subgraph";
import type { EnrollmentPrisma, EnrollmentRow } from "./enrollment.prisma";
import { userEnrollmentPages, type UserEnrollmentPage } from "./user-enrollment-pages";

/** Enrollments that hold a seat and count towards `enrollmentCount`. */
export const SEAT_HOLDING = ["ACTIVE", "COMPLETED"] as const;

/** Enrollment reads; writes go through EnrollmentWrites inside the unit of work. */
export class EnrollmentRepository {
  constructor(private readonly prisma: EnrollmentPrisma) {}

  /** The user's TRIALING or ACTIVE subscription (it opens paid courses), or null. */
  async subscriptionGranting(userId: string): Promise<string | null> {
    const access = await this.prisma.subscriptionAccess.findFirst({
      where: { userId, status: { in: ["TRIALING", "ACTIVE"] } },
      select: { subscriptionId: true },
    });
    return access?.subscriptionId ?? null;
  }

  findById(id: string): Promise<EnrollmentRow | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return this.prisma.enrollment.findUnique({ where: { id } });
  }

  byId(loaders: LoaderRegistry, id: string): Promise<EnrollmentRow | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return loaders
      .get<string, EnrollmentRow | null>("enrollment:byId", async (ids) =>
        byKey(ids, await this.prisma.enrollment.findMany({ where: { id: { in: [...ids] } } }), (row) => row.id),
      )
      .load(id);
  }

  /** Seat-holding enrollments per course: one GROUP BY for all courses of a request. */
  countForCourse(loaders: LoaderRegistry, courseId: string): Promise<number> {
    if (!isUuid(courseId)) return Promise.resolve(0);
    return loaders
      .get<string, number>("enrollment:countByCourse", async (courseIds) => {
        const groups = await this.prisma.enrollment.groupBy({
          by: ["courseId"],
          where: { courseId: { in: [...courseIds] }, status: { in: [...SEAT_HOLDING] } },
          _count: { _all: true },
        });
        const counts = new Map(groups.map((group) => [group.courseId, group._count._all]));
        return courseIds.map((id) => counts.get(id) ?? 0);
      })
      .load(courseId);
  }

  /** The user's enrollment (any status) in a course; one query for all courses of a request. */
  forUserInCourse(loaders: LoaderRegistry, userId: string, courseId: string): Promise<EnrollmentRow | null> {
    if (!isUuid(userId) || !isUuid(courseId)) return Promise.resolve(null);
    // The user is part of the loader name: a registry lives for one request, but
    // a request may (through _entities) ask about more than one user.
    return loaders
      .get<string, EnrollmentRow | null>(`enrollment:byCourse:${userId}`, async (courseIds) =>
        byKey(
          courseIds,
          await this.prisma.enrollment.findMany({ where: { userId, courseId: { in: [...courseIds] } } }),
          (row) => row.courseId,
        ),
      )
      .load(courseId);
  }

  /** Ids of the modules marked complete, in the order they were completed. */
  completedModuleIds(loaders: LoaderRegistry, enrollmentId: string): Promise<string[]> {
    return loaders
      .get<string, string[]>("enrollment:completedModules", async (ids) => {
        const rows = await this.prisma.moduleCompletion.findMany({
          where: { enrollmentId: { in: [...ids] } },
          orderBy: [{ completedAt: "asc" }, { moduleId: "asc" }],
        });
        return groupByKey(ids, rows, (row) => row.enrollmentId).map((group) => group.map((row) => row.moduleId));
      })
      .load(enrollmentId);
  }

  /**
   * Keyset page of the user's enrollments, newest first, fetching one extra row
   * to know if more exist. Users asked for with the same page in one request
   * (a listing of users, each with `enrollments`) share one page query and one
   * count: see user-enrollment-pages.ts.
   */
  pageForUser(
    loaders: LoaderRegistry,
    userId: string,
    take: number,
    after: Keyset | undefined,
  ): Promise<UserEnrollmentPage> {
    if (!isUuid(userId)) return Promise.resolve({ rows: [], totalCount: 0 });
    // The page is part of the loader name: one batch answers one (take, after),
    // and a request may ask different users for different pages.
    const page = `${take}:${after ? encodeCursor(after) : ""}`;
    return loaders
      .get<string, UserEnrollmentPage>(`enrollment:pageByUser:${page}`, (userIds) =>
        userEnrollmentPages(this.prisma, userIds, take, after),
      )
      .load(userId);
  }
}
