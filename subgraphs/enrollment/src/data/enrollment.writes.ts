import type { EnrollmentRow, EnrollmentStatus, EnrollmentTx } from "./enrollment.prisma";

/**
 * The statements enrollment runs inside one transaction of its unit of work
 * (EnrollmentService.write). Seat statements are raw SQL because their
 * correctness rests on exactly how Postgres locks the seat row.
 */
export class EnrollmentWrites {
  constructor(private readonly tx: EnrollmentTx) {}

  /** Locks the enrollment row until commit, so concurrent writers to it take turns. */
  async lock(id: string): Promise<EnrollmentRow | null> {
    await this.tx.$queryRaw`SELECT 1 FROM "enrollment"."Enrollment" WHERE "id" = ${id}::uuid FOR UPDATE`;
    return this.tx.enrollment.findUnique({ where: { id } });
  }

  findByUserAndCourse(userId: string, courseId: string): Promise<EnrollmentRow | null> {
    return this.tx.enrollment.findUnique({ where: { userId_courseId: { userId, courseId } } });
  }

  /** Throws Prisma P2002 when the user already has a row for the course. */
  create(userId: string, courseId: string, subscriptionId: string | null = null): Promise<EnrollmentRow> {
    return this.tx.enrollment.create({ data: { userId, courseId, subscriptionId } });
  }

  /**
   * Moves a CANCELLED enrollment back to `status`; false when another request
   * changed it first (the WHERE is re-checked after waiting for its row lock).
   */
  async reactivate(
    id: string,
    data: {
      status: EnrollmentStatus;
      progress: number;
      completedAt: Date | null;
      enrolledAt: Date;
      subscriptionId: string | null;
    },
  ): Promise<boolean> {
    const { count } = await this.tx.enrollment.updateMany({ where: { id, status: "CANCELLED" }, data });
    return count === 1;
  }

  /** Keeps commerce's word on one subscription (its events arrive in order per subscription). */
  async keepSubscription(subscriptionId: string, userId: string, status: string): Promise<void> {
    await this.tx.subscriptionAccess.upsert({
      where: { subscriptionId },
      create: { subscriptionId, userId, status },
      update: { status },
    });
  }

  /** ACTIVE enrollments the subscription granted (completed ones stay: the learner finished them). */
  grantedBy(subscriptionId: string): Promise<EnrollmentRow[]> {
    return this.tx.enrollment.findMany({ where: { subscriptionId, status: "ACTIVE" } });
  }

  /** Cancels an ACTIVE enrollment; false when it was not ACTIVE any more. */
  async cancel(id: string): Promise<boolean> {
    const { count } = await this.tx.enrollment.updateMany({
      where: { id, status: "ACTIVE" },
      data: { status: "CANCELLED" },
    });
    return count === 1;
  }

  /** Ends a seat-holding enrollment (its order was refunded); false when it held no seat any more. */
  async revoke(id: string): Promise<boolean> {
    const { count } = await this.tx.enrollment.updateMany({
      where: { id, status: { in: ["ACTIVE", "COMPLETED"] } },
      data: { status: "CANCELLED" },
    });
    return count === 1;
  }

  update(id: string, data: { status: EnrollmentStatus; progress: number; completedAt: Date | null }) {
    return this.tx.enrollment.update({ where: { id }, data });
  }

  byId(id: string): Promise<EnrollmentRow | null> {
    return this.tx.enrollment.findUnique({ where: { id } });
  }

  async markModule(enrollmentId: string, moduleId: string): Promise<void> {
    // skipDuplicates: marking twice keeps the first completion time.
    await this.tx.moduleCompletion.createMany({ data: [{ enrollmentId, moduleId }], skipDuplicates: true });
  }

  async unmarkModule(enrollmentId: string, moduleId: string): Promise<void> {
    await this.tx.moduleCompletion.deleteMany({ where: { enrollmentId, moduleId } });
  }

  /** A course's ACTIVE enrollments with their completed modules, locked until commit. */
  async activeWithCompletions(courseId: string): Promise<{ row: EnrollmentRow; completedModuleIds: string[] }[]> {
    await this.tx
      .$queryRaw`SELECT 1 FROM "enrollment"."Enrollment" WHERE "courseId" = ${courseId}::uuid AND "status" = 'ACTIVE' FOR UPDATE`;
    const rows = await this.tx.enrollment.findMany({
      where: { courseId, status: "ACTIVE" },
      include: { completions: { select: { moduleId: true } } },
    });
    return rows.map(({ completions, ...row }) => ({ row, completedModuleIds: completions.map((c) => c.moduleId) }));
  }

  async completedModuleIds(enrollmentId: string): Promise<string[]> {
    const rows = await this.tx.moduleCompletion.findMany({ where: { enrollmentId }, select: { moduleId: true } });
    return rows.map((row) => row.moduleId);
  }

  /**
   * Creates the course's seat counter if it has none yet, starting at the
   * seats already held (the course may have had no limit until now). ON
   * CONFLICT DO NOTHING: a concurrent creator waits on the primary key and then
   * leaves the winner's row alone.
   */
  async ensureSeatCounter(courseId: string): Promise<void> {
    await this.tx.$executeRaw`
      INSERT INTO "enrollment"."CourseSeats" ("courseId", "taken")
      SELECT ${courseId}::uuid, count(*)::int FROM "enrollment"."Enrollment"
       WHERE "courseId" = ${courseId}::uuid AND "status" IN ('ACTIVE', 'COMPLETED')
      ON CONFLICT DO NOTHING`;
  }

  /** Takes one seat if fewer than `capacity` are taken; false when the course is full. */
  async takeSeat(courseId: string, capacity: number): Promise<boolean> {
    const updated = await this.tx.$executeRaw`
      UPDATE "enrollment"."CourseSeats" SET "taken" = "taken" + 1
       WHERE "courseId" = ${courseId}::uuid AND "taken" < ${capacity}::int`;
    return updated === 1;
  }

  /**
   * For a course without a limit: keeps an existing counter exact (it exists
   * when the course had a limit before), so a limit set again later starts
   * from the truth. No counter, no statement effect and no lock.
   */
  async countSeatIfTracked(courseId: string): Promise<void> {
    await this.tx.$executeRaw`
      UPDATE "enrollment"."CourseSeats" SET "taken" = "taken" + 1 WHERE "courseId" = ${courseId}::uuid`;
  }

  async releaseSeat(courseId: string): Promise<void> {
    await this.tx.$executeRaw`
      UPDATE "enrollment"."CourseSeats" SET "taken" = "taken" - 1
       WHERE "courseId" = ${courseId}::uuid AND "taken" > 0`;
  }
}
