import { viewerIsAdmin, type Viewer } from "@campus/auth";
import { badInput, conflict, forbidden, notFound, paymentRequired, unauthenticated } from "@campus/errors";
import {
  enrollmentCancelled,
  enrollmentCreated,
  purchaseFulfilled,
  type ContentCompletedData,
  type CourseSnapshot,
  type OrderPaidData,
  type OrderRefundedData,
  type Emit,
  type UnitOfWork,
} from "@campus/events";
import type { Logger } from "@campus/logging";
import { decodeCursor, LoaderRegistry, pageSize, toConnection } from "@campus/subgraph";
import type { CatalogCourse } from "@campus/catalog-client";
import type { CourseFacts } from "../data/course.facts";
import { isUniqueViolation, type EnrollmentRow, type EnrollmentTx } from "../data/enrollment.prisma";
import { SEAT_HOLDING, type EnrollmentRepository } from "../data/enrollment.repository";
import { EnrollmentWrites } from "../data/enrollment.writes";
import { emitProgress, enrollmentFacts } from "../events/enrollment.publisher";
import { computeProgress, statusForProgress } from "./progress";

/**
 * Enrollment's rules. Resolvers, consumers and the demo data all come through
 * here; `loaders` is the request's registry, so catalog look-ups and reads
 * batch with the rest of the request.
 */
export class EnrollmentService {
  constructor(
    private readonly enrollments: EnrollmentRepository,
    private readonly work: UnitOfWork<EnrollmentTx>,
    private readonly courses: CourseFacts,
    private readonly logger: Logger,
  ) {}

  async enroll(viewer: Viewer, loaders: LoaderRegistry, courseId: string): Promise<EnrollmentRow> {
    const userId = requireUser(viewer);
    // Enrolling grants access (and will take payment): decided on catalog's live answer;
    // the projection answers only while catalog cannot be reached.
    const course = await this.courses.forEnrollment(loaders, courseId);
    if (!course) throw notFound("Course");
    if (course.status !== "PUBLISHED") {
      // Whoever cannot see a draft (or an archived course) must not learn that it exists.
      if (!(await this.maySeeClosedCourse(viewer, loaders, course))) throw notFound("Course");
      throw conflict("Course is not open for enrollment");
    }
    // A paid course is bought, or opened by a live subscription (commerce's plans) for as long as it lasts.
    const subscriptionId = course.price.amount > 0 ? await this.enrollments.subscriptionGranting(userId) : null;
    if (course.price.amount > 0 && !subscriptionId) {
      throw paymentRequired("This course is paid: buy it through the cart and checkout, or subscribe to a plan");
    }
    const open = course;

    try {
      const enrollment = await this.write(async (tx, emit) => {
        const created = await this.enrollInTransaction(tx, userId, open, subscriptionId);
        emit(enrollmentCreated, created.id, enrollmentFacts(created));
        return created;
      });
      this.logger.info({ enrollmentId: enrollment.id, courseId, userId }, "enrolled");
      return enrollment;
    } catch (error) {
      // A concurrent enroll of the same user in the same course won the insert.
      if (isUniqueViolation(error)) throw conflict("Already enrolled in this course");
      throw error;
    }
  }

  /**
   * Catalog's visibility rule for a course that is not published: its
   * instructor and admins see it, and an archived one stays visible to the
   * learners who hold (or completed) an enrollment in it.
   */
  private async maySeeClosedCourse(viewer: Viewer, loaders: LoaderRegistry, course: CatalogCourse) {
    if (viewerIsAdmin(viewer) || (course.instructorId !== null && course.instructorId === viewer.userId)) return true;
    if (course.status !== "ARCHIVED") return false;
    const held = await this.enrollments.forUserInCourse(loaders, viewer.userId!, course.id);
    return held !== null && (SEAT_HOLDING as readonly string[]).includes(held.status);
  }

  /**
   * Seat limit without a distributed lock: the counter row in CourseSeats is
   * the lock. Under READ COMMITTED, `UPDATE … SET taken = taken + 1 WHERE
   * taken < capacity` takes that row's lock, and a concurrent enroll blocks on
   * it and then re-evaluates its WHERE against the committed count, so at
   * most `capacity` updates ever succeed. Postgres itself does the
   * serialising, so it holds across processes and replicas. The seat and the
   * enrollment commit together: any failure after the seat was taken (a
   * duplicate, a crash) rolls the seat back too.
   * Locks are taken enrollment row first, seat row second, the same order as
   * cancel, so an enroll and a cancel of the same row cannot deadlock.
   */
  private async enrollInTransaction(
    tx: EnrollmentWrites,
    userId: string,
    course: CatalogCourse,
    subscriptionId: string | null,
  ) {
    // Before the enrollment row exists, so the starting count does not include it.
    if (course.capacity !== null) await tx.ensureSeatCounter(course.id);

    const existing = await tx.findByUserAndCourse(userId, course.id);
    let enrollment: EnrollmentRow;
    if (!existing) {
      enrollment = await tx.create(userId, course.id, subscriptionId);
    } else if (existing.status === "CANCELLED") {
      enrollment = await this.reactivate(tx, existing, course, subscriptionId);
    } else {
      throw conflict("Already enrolled in this course");
    }

    if (course.capacity === null) await tx.countSeatIfTracked(course.id);
    else if (!(await tx.takeSeat(course.id, course.capacity))) throw conflict("Course is full");
    return enrollment;
  }

  /** Enrolling again after cancelling reuses the row and the modules already completed. */
  private async reactivate(
    tx: EnrollmentWrites,
    existing: EnrollmentRow,
    course: CatalogCourse,
    subscriptionId: string | null,
  ) {
    const progress = computeProgress(
      await tx.completedModuleIds(existing.id),
      course.modules.map((module) => module.id),
    );
    const now = new Date();
    const next = {
      progress,
      ...statusForProgress(progress, existing.completedAt, now),
      enrolledAt: now,
      subscriptionId,
    };
    if (!(await tx.reactivate(existing.id, next))) throw conflict("Already enrolled in this course");
    return (await tx.byId(existing.id)) as EnrollmentRow;
  }

  async updateProgress(
    viewer: Viewer,
    loaders: LoaderRegistry,
    enrollmentId: string,
    moduleId: string,
    completed: boolean,
  ): Promise<EnrollmentRow> {
    const userId = requireUser(viewer);
    const enrollment = await this.enrollments.findById(enrollmentId);
    if (!enrollment) throw notFound("Enrollment");
    if (enrollment.userId !== userId) throw forbidden("Only the learner can record progress");
    if (enrollment.status === "CANCELLED") throw conflict("Enrollment is cancelled");

    // Catalog's answer now, never the projection's: progress decided on a module list
    // older than this request could complete a learner at half the course.
    const course = await this.courses.current(loaders, enrollment.courseId);
    if (!course) throw notFound("Course");
    const moduleIds = course.modules.map((module) => module.id);
    if (!moduleIds.includes(moduleId)) throw badInput("Module is not part of this course", { field: "moduleId" });

    // The row lock makes concurrent marks of one enrollment take turns, so each
    // recomputes progress from every completion committed before it.
    return this.write(async (tx, emit) => {
      const locked = await tx.lock(enrollment.id);
      if (!locked || locked.status === "CANCELLED") throw conflict("Enrollment is cancelled");
      if (completed) await tx.markModule(locked.id, moduleId);
      else await tx.unmarkModule(locked.id, moduleId);
      const progress = computeProgress(await tx.completedModuleIds(locked.id), moduleIds);
      const updated = await tx.update(locked.id, {
        progress,
        ...statusForProgress(progress, locked.completedAt, new Date()),
      });
      emitProgress(emit, locked, updated);
      return updated;
    });
  }

  /**
   * Content says a learner completed every READY item of a module (its
   * `content.completed` event, in the consumer's transaction): recorded as
   * `updateProgress(…, true)` by the learner would be, decided on catalog's
   * live module list the same way (unreachable: the consumer retries). No
   * enrollment, a cancelled one, or a module no longer in the course: nothing.
   */
  async moduleCompletedThroughContent(tx: EnrollmentTx, emit: Emit, fact: ContentCompletedData): Promise<void> {
    if (!fact.moduleCompleted) return;
    const course = await this.courses.current(new LoaderRegistry(), fact.courseId);
    const moduleIds = course?.modules.map((module) => module.id) ?? [];
    if (!moduleIds.includes(fact.moduleId)) return;
    const writes = new EnrollmentWrites(tx);
    const found = await writes.findByUserAndCourse(fact.userId, fact.courseId);
    const locked = found && (await writes.lock(found.id));
    if (!locked || locked.status === "CANCELLED") return;
    await writes.markModule(locked.id, fact.moduleId);
    const progress = computeProgress(await writes.completedModuleIds(locked.id), moduleIds);
    const updated = await writes.update(locked.id, {
      progress,
      ...statusForProgress(progress, locked.completedAt, new Date()),
    });
    emitProgress(emit, locked, updated);
  }

  /**
   * A course's modules changed (catalog's event, in the consumer's
   * transaction): the progress of its ACTIVE enrollments is recomputed (a
   * removed module no longer counts; an added one lowers the share).
   * COMPLETED enrollments stay completed: finishing a course is not taken
   * back because the instructor extended it.
   */
  async courseModulesChanged(tx: EnrollmentTx, emit: Emit, course: CourseSnapshot): Promise<void> {
    const writes = new EnrollmentWrites(tx);
    const now = new Date();
    for (const enrollment of await writes.activeWithCompletions(course.courseId)) {
      const progress = computeProgress(enrollment.completedModuleIds, course.moduleIds);
      if (progress === enrollment.row.progress) continue;
      const updated = await writes.update(enrollment.row.id, { progress, ...statusForProgress(progress, null, now) });
      emitProgress(emit, enrollment.row, updated);
    }
  }

  /**
   * The purchase saga's enrollment step (commerce's order.paid, in the
   * consumer's transaction, so it happens once per order): enrolls the buyer
   * in each course of the order, or says why not. Commerce held the seats at
   * checkout, so no seat limit is checked here; the counter only follows.
   * Access is decided on catalog's live answer, the projection only while
   * catalog cannot be reached (a paid order must not wait on it).
   */
  async grantPurchase(tx: EnrollmentTx, emit: Emit, order: OrderPaidData): Promise<void> {
    const writes = new EnrollmentWrites(tx);
    const granted: { orderItemId: string; courseId: string; enrollmentId: string }[] = [];
    const refused: { orderItemId: string; courseId: string; reason: string }[] = [];
    const loaders = new LoaderRegistry();
    for (const item of order.items) {
      const course = await this.courses.forEnrollment(loaders, item.courseId);
      if (!course || course.status !== "PUBLISHED") {
        const reason = course
          ? `The course was ${course.status === "ARCHIVED" ? "archived" : "unpublished"} before the order was fulfilled`
          : "The course no longer exists";
        refused.push({ orderItemId: item.orderItemId, courseId: item.courseId, reason });
        continue;
      }
      const existing = await writes.findByUserAndCourse(order.userId, course.id);
      if (existing && existing.status !== "CANCELLED") {
        refused.push({ orderItemId: item.orderItemId, courseId: course.id, reason: "Already enrolled in this course" });
        continue;
      }
      const enrollment = existing
        ? await this.reactivate(writes, existing, course, null)
        : await writes.create(order.userId, course.id);
      await writes.countSeatIfTracked(course.id);
      emit(enrollmentCreated, enrollment.id, { ...enrollmentFacts(enrollment), orderId: order.orderId });
      granted.push({ orderItemId: item.orderItemId, courseId: course.id, enrollmentId: enrollment.id });
    }
    this.logger.info(
      { orderId: order.orderId, granted: granted.length, refused: refused.length },
      "purchase fulfilled",
    );
    emit(purchaseFulfilled, order.orderId, { orderId: order.orderId, userId: order.userId, granted, refused });
  }

  /** A refund succeeded (commerce's order.refunded): the refunded courses' enrollments end and free their seats. */
  async revokeRefunded(tx: EnrollmentTx, emit: Emit, refund: OrderRefundedData): Promise<void> {
    const writes = new EnrollmentWrites(tx);
    for (const item of refund.items) {
      // Only the enrollment this order granted: a refused item may sit beside an enrollment bought elsewhere.
      if (!item.enrollmentId || !(await writes.revoke(item.enrollmentId))) continue;
      await writes.releaseSeat(item.courseId);
      const cancelled = (await writes.byId(item.enrollmentId)) as EnrollmentRow;
      emit(enrollmentCancelled, cancelled.id, { ...enrollmentFacts(cancelled), orderId: refund.orderId });
    }
  }

  /**
   * Commerce's word on a subscription (subscription.* events, in the
   * consumer's transaction): TRIALING and ACTIVE open paid courses; once it is
   * CANCELED the ACTIVE enrollments it granted end and free their seats
   * (completed ones stay completed). PAST_DUE opens nothing new and ends nothing yet.
   */
  async applySubscription(
    tx: EnrollmentTx,
    emit: Emit,
    subscription: { subscriptionId: string; userId: string; status: string },
  ): Promise<void> {
    const writes = new EnrollmentWrites(tx);
    await writes.keepSubscription(subscription.subscriptionId, subscription.userId, subscription.status);
    if (subscription.status !== "CANCELED") return;
    for (const enrollment of await writes.grantedBy(subscription.subscriptionId)) {
      if (!(await writes.cancel(enrollment.id))) continue;
      await writes.releaseSeat(enrollment.courseId);
      const cancelled = (await writes.byId(enrollment.id)) as EnrollmentRow;
      emit(enrollmentCancelled, cancelled.id, enrollmentFacts(cancelled));
    }
    this.logger.info(
      { subscriptionId: subscription.subscriptionId, status: subscription.status },
      "subscription applied",
    );
  }

  /** The learner or an admin; an ACTIVE enrollment only, and cancelling twice is a no-op. */
  async cancel(viewer: Viewer, enrollmentId: string): Promise<EnrollmentRow> {
    requireUser(viewer);
    const enrollment = await this.enrollments.findById(enrollmentId);
    if (!enrollment) throw notFound("Enrollment");
    assertCanRead(viewer, enrollment);

    return this.write(async (tx, emit) => {
      if (await tx.cancel(enrollment.id)) {
        await tx.releaseSeat(enrollment.courseId);
        this.logger.info({ enrollmentId: enrollment.id, courseId: enrollment.courseId }, "enrollment cancelled");
        const cancelled = (await tx.byId(enrollment.id)) as EnrollmentRow;
        emit(enrollmentCancelled, cancelled.id, enrollmentFacts(cancelled));
        return cancelled;
      }
      const current = (await tx.byId(enrollment.id)) as EnrollmentRow;
      if (current.status === "CANCELLED") return current;
      throw conflict("A completed enrollment cannot be cancelled");
    });
  }

  /** Unknown: null. Someone else's: FORBIDDEN, the same answer mutations give. */
  async get(viewer: Viewer, loaders: LoaderRegistry, enrollmentId: string): Promise<EnrollmentRow | null> {
    requireUser(viewer);
    const enrollment = await this.enrollments.byId(loaders, enrollmentId);
    if (!enrollment) return null;
    assertCanRead(viewer, enrollment);
    return enrollment;
  }

  /**
   * Who may list a user's enrollments is decided by the caller (shield rule or
   * `viewer`). Through `loaders`, the users of one request asked for the same
   * page share its queries.
   */
  async listForUser(
    loaders: LoaderRegistry,
    userId: string,
    first: number | null | undefined,
    after: string | null | undefined,
  ) {
    const size = pageSize(first);
    const cursor = decodeCursor(after);
    const { rows, totalCount } = await this.enrollments.pageForUser(loaders, userId, size, cursor);
    return { ...toConnection(rows, size, (row) => ({ at: row.enrolledAt, id: row.id })), totalCount };
  }

  listForViewer(
    viewer: Viewer,
    loaders: LoaderRegistry,
    first: number | null | undefined,
    after: string | null | undefined,
  ) {
    return this.listForUser(loaders, requireUser(viewer), first, after);
  }

  enrollmentCount(loaders: LoaderRegistry, courseId: string): Promise<number> {
    return this.enrollments.countForCourse(loaders, courseId);
  }

  /** Null for anonymous callers: there is no "their" enrollment. */
  viewerEnrollment(viewer: Viewer, loaders: LoaderRegistry, courseId: string): Promise<EnrollmentRow | null> {
    if (!viewer.userId) return Promise.resolve(null);
    return this.enrollments.forUserInCourse(loaders, viewer.userId, courseId);
  }

  completedModuleIds(loaders: LoaderRegistry, enrollmentId: string): Promise<string[]> {
    return this.enrollments.completedModuleIds(loaders, enrollmentId);
  }

  /** Every enrollment write: its statements and events in one transaction of the unit of work. */
  private write<T>(work: (tx: EnrollmentWrites, emit: Emit) => Promise<T>): Promise<T> {
    return this.work.run((tx, emit) => work(new EnrollmentWrites(tx), emit));
  }
}

function requireUser(viewer: Viewer): string {
  if (!viewer.userId) throw unauthenticated();
  return viewer.userId;
}

function assertCanRead(viewer: Viewer, enrollment: EnrollmentRow) {
  if (enrollment.userId !== viewer.userId && !viewerIsAdmin(viewer)) {
    throw forbidden("Only the learner or an admin can see this enrollment");
  }
}
