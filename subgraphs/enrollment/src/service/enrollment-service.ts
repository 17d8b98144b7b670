import { viewerIsAdmin, type Viewer } from "@campus/auth";
import { badInput, conflict, forbidden, notFound, paymentRequired, unauthenticated } from "@campus/errors";
import type { Logger } from "@campus/logging";
import { decodeCursor, LoaderRegistry, pageSize, toConnection } from "@campus/subgraph";
import {
  enrollmentCancelled,
  enrollmentCompleted,
  enrollmentCreated,
  enrollmentProgressed,
  type Emit,
} from "@campus/events";
import type { CatalogCourse } from "../data/catalog-client";
import type { CourseFacts } from "../data/course-facts";
import { isUniqueViolation, SEAT_HOLDING, type EnrollmentRepository } from "../data/enrollment-repository";
import type { EnrollmentWrites } from "../data/enrollment-writes";
import type { EnrollmentRow } from "../data/prisma";
import { computeProgress, statusForProgress } from "./progress";

/**
 * Enrollment's rules. Resolvers and the seed script both come through here;
 * `loaders` is the request's registry when there is one, so catalog look-ups
 * and reads batch with the rest of the request.
 */
export class EnrollmentService {
  constructor(
    private readonly enrollments: EnrollmentRepository,
    private readonly courses: CourseFacts,
    private readonly logger: Logger,
  ) {}

  async enroll(viewer: Viewer, courseId: string, loaders = new LoaderRegistry()): Promise<EnrollmentRow> {
    const userId = requireUser(viewer);
    // Enrolling grants access (and will take payment): decided on catalog's live answer;
    // the projection answers only while catalog cannot be reached.
    const course = await this.courses.forEnrollment(courseId, loaders);
    if (!course) throw notFound("Course");
    if (course.status !== "PUBLISHED") {
      // Whoever cannot see a draft (or an archived course) must not learn that it exists.
      if (!(await this.maySeeClosedCourse(viewer, course, loaders))) throw notFound("Course");
      throw conflict("Course is not open for enrollment");
    }
    if (course.price.amount > 0) throw paymentRequired("This course is paid; paid enrollment is not available yet");
    const open = course;

    try {
      const enrollment = await this.enrollments.transaction(async (tx, emit) => {
        const created = await this.enrollInTransaction(tx, userId, open);
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
  private async maySeeClosedCourse(viewer: Viewer, course: CatalogCourse, loaders: LoaderRegistry) {
    if (viewerIsAdmin(viewer) || (course.instructorId !== null && course.instructorId === viewer.userId)) return true;
    if (course.status !== "ARCHIVED") return false;
    const held = await this.enrollments.forUserInCourse(viewer.userId!, course.id, loaders);
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
  private async enrollInTransaction(tx: EnrollmentWrites, userId: string, course: CatalogCourse) {
    // Before the enrollment row exists, so the starting count does not include it.
    if (course.capacity !== null) await tx.ensureSeatCounter(course.id);

    const existing = await tx.findByUserAndCourse(userId, course.id);
    let enrollment: EnrollmentRow;
    if (!existing) {
      enrollment = await tx.create(userId, course.id);
    } else if (existing.status === "CANCELLED") {
      enrollment = await this.reactivate(tx, existing, course);
    } else {
      throw conflict("Already enrolled in this course");
    }

    if (course.capacity === null) await tx.countSeatIfTracked(course.id);
    else if (!(await tx.takeSeat(course.id, course.capacity))) throw conflict("Course is full");
    return enrollment;
  }

  /** Enrolling again after cancelling reuses the row and the modules already completed. */
  private async reactivate(tx: EnrollmentWrites, existing: EnrollmentRow, course: CatalogCourse) {
    const progress = computeProgress(
      await tx.completedModuleIds(existing.id),
      course.modules.map((module) => module.id),
    );
    const now = new Date();
    const next = { progress, ...statusForProgress(progress, existing.completedAt, now), enrolledAt: now };
    if (!(await tx.reactivate(existing.id, next))) throw conflict("Already enrolled in this course");
    return (await tx.byId(existing.id)) as EnrollmentRow;
  }

  async updateProgress(
    viewer: Viewer,
    enrollmentId: string,
    moduleId: string,
    completed: boolean,
    loaders = new LoaderRegistry(),
  ): Promise<EnrollmentRow> {
    const userId = requireUser(viewer);
    const enrollment = await this.enrollments.byId(enrollmentId);
    if (!enrollment) throw notFound("Enrollment");
    if (enrollment.userId !== userId) throw forbidden("Only the learner can record progress");
    if (enrollment.status === "CANCELLED") throw conflict("Enrollment is cancelled");

    // Catalog's answer now, never the projection's: progress decided on a module list
    // older than this request could complete a learner at half the course.
    const course = await this.courses.current(enrollment.courseId, loaders);
    if (!course) throw notFound("Course");
    const moduleIds = course.modules.map((module) => module.id);
    if (!moduleIds.includes(moduleId)) throw badInput("Module is not part of this course", { field: "moduleId" });

    // The row lock makes concurrent marks of one enrollment take turns, so each
    // recomputes progress from every completion committed before it.
    return this.enrollments.transaction(async (tx, emit) => {
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

  /** The learner or an admin; an ACTIVE enrollment only, and cancelling twice is a no-op. */
  async cancel(viewer: Viewer, enrollmentId: string): Promise<EnrollmentRow> {
    requireUser(viewer);
    const enrollment = await this.enrollments.byId(enrollmentId);
    if (!enrollment) throw notFound("Enrollment");
    assertCanRead(viewer, enrollment);

    return this.enrollments.transaction(async (tx, emit) => {
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
  async get(viewer: Viewer, enrollmentId: string, loaders?: LoaderRegistry): Promise<EnrollmentRow | null> {
    requireUser(viewer);
    const enrollment = await this.enrollments.byId(enrollmentId, loaders);
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
    userId: string,
    first: number | null | undefined,
    after: string | null | undefined,
    loaders = new LoaderRegistry(),
  ) {
    const size = pageSize(first);
    const cursor = decodeCursor(after);
    const { rows, totalCount } = await this.enrollments.pageForUser(userId, size, cursor, loaders);
    return { ...toConnection(rows, size, (row) => ({ at: row.enrolledAt, id: row.id })), totalCount };
  }

  listForViewer(
    viewer: Viewer,
    first: number | null | undefined,
    after: string | null | undefined,
    loaders = new LoaderRegistry(),
  ) {
    return this.listForUser(requireUser(viewer), first, after, loaders);
  }

  enrollmentCount(courseId: string, loaders: LoaderRegistry): Promise<number> {
    return this.enrollments.countForCourse(courseId, loaders);
  }

  /** Null for anonymous callers: there is no "their" enrollment. */
  viewerEnrollment(viewer: Viewer, courseId: string, loaders: LoaderRegistry): Promise<EnrollmentRow | null> {
    if (!viewer.userId) return Promise.resolve(null);
    return this.enrollments.forUserInCourse(viewer.userId, courseId, loaders);
  }

  completedModuleIds(enrollmentId: string, loaders: LoaderRegistry): Promise<string[]> {
    return this.enrollments.completedModuleIds(enrollmentId, loaders);
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

/** What enrollment events say about an enrollment. */
export function enrollmentFacts(row: EnrollmentRow) {
  return {
    enrollmentId: row.id,
    userId: row.userId,
    courseId: row.courseId,
    status: row.status,
    progress: row.progress,
  };
}

/** A progress change publishes `progressed`, and `completed` too when it finished the course. */
export function emitProgress(emit: Emit, before: EnrollmentRow, after: EnrollmentRow): void {
  if (before.progress === after.progress && before.status === after.status) return;
  emit(enrollmentProgressed, after.id, enrollmentFacts(after));
  if (before.status !== "COMPLETED" && after.status === "COMPLETED")
    emit(enrollmentCompleted, after.id, enrollmentFacts(after));
}
