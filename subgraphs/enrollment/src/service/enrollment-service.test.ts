import { admin, codeOf, learner, startHarness } from "../../test/harness";
import { randomUUID } from "node:crypto";
import type { Viewer } from "@campus/auth";
import { LoaderRegistry } from "@campus/subgraph";

describe("EnrollmentService (PGlite + fake catalog over HTTP)", () => {
  let h: Awaited<ReturnType<typeof startHarness>>;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  const rowsFor = (courseId: string) =>
    h.db.query<{ id: string; status: string }>(
      `SELECT id, status FROM "enrollment"."Enrollment" WHERE "courseId" = $1`,
      [courseId],
    );
  const seatsOf = async (courseId: string) =>
    (
      await h.db.query<{ taken: number }>(`SELECT taken FROM "enrollment"."CourseSeats" WHERE "courseId" = $1`, [
        courseId,
      ])
    )[0]?.taken;

  describe("enroll", () => {
    it("enrolls a learner in a free published course", async () => {
      const course = h.catalog.add();
      const viewer = learner();
      const enrollment = await h.service.enroll(viewer, course.id);
      expect(enrollment).toMatchObject({
        userId: viewer.userId,
        courseId: course.id,
        status: "ACTIVE",
        progress: 0,
        completedAt: null,
      });
      expect(await rowsFor(course.id)).toEqual([{ id: enrollment.id, status: "ACTIVE" }]);
    });

    it("refuses a second enrollment in the same course and keeps one row", async () => {
      const course = h.catalog.add();
      const viewer = learner();
      await h.service.enroll(viewer, course.id);
      await expect(h.service.enroll(viewer, course.id)).rejects.toMatchObject({
        extensions: { code: "CONFLICT" },
        message: "Already enrolled in this course",
      });
      expect(await rowsFor(course.id)).toHaveLength(1);
    });

    it("answers NOT_FOUND for a draft or archived course to whoever may not see it", async () => {
      const draft = h.catalog.add({ status: "DRAFT" });
      const archived = h.catalog.add({ status: "ARCHIVED" });
      await expect(h.service.enroll(learner(), draft.id)).rejects.toMatchObject({
        extensions: { code: "NOT_FOUND" },
        message: "Course not found",
      });
      expect(await codeOf(h.service.enroll(learner(), archived.id))).toBe("NOT_FOUND");
      expect(await rowsFor(draft.id)).toHaveLength(0);
    });

    it("tells the course's instructor and admins that it is not open (CONFLICT)", async () => {
      const draft = h.catalog.add({ status: "DRAFT" });
      const instructor = { userId: draft.instructorId, roles: ["LEARNER", "INSTRUCTOR"] } as Viewer;
      await expect(h.service.enroll(instructor, draft.id)).rejects.toMatchObject({
        extensions: { code: "CONFLICT" },
        message: "Course is not open for enrollment",
      });
      expect(await codeOf(h.service.enroll(admin(), draft.id))).toBe("CONFLICT");
      expect(await rowsFor(draft.id)).toHaveLength(0);
    });

    it("asks for payment for a paid course", async () => {
      const paid = h.catalog.add({ price: { amount: 4900, currency: "EUR" } });
      expect(await codeOf(h.service.enroll(learner(), paid.id))).toBe("PAYMENT_REQUIRED");
      expect(await rowsFor(paid.id)).toHaveLength(0);
    });

    it("answers NOT_FOUND for a course catalog does not know", async () => {
      expect(await codeOf(h.service.enroll(learner(), randomUUID()))).toBe("NOT_FOUND");
      expect(await codeOf(h.service.enroll(learner(), "not-a-uuid"))).toBe("NOT_FOUND");
    });

    it("requires a signed-in user", async () => {
      const course = h.catalog.add();
      expect(await codeOf(h.service.enroll({ userId: null, roles: [] }, course.id))).toBe("UNAUTHENTICATED");
    });

    it("never gives away more seats than capacity, even to 100 concurrent learners", async () => {
      const course = h.catalog.add({ capacity: 5 });
      const results = await Promise.allSettled(
        Array.from({ length: 100 }, () => h.service.enroll(learner(), course.id)),
      );
      const failures = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
      expect(failures).toHaveLength(95);
      for (const failure of failures)
        expect(failure).toMatchObject({ extensions: { code: "CONFLICT" }, message: "Course is full" });
      expect(await seatsOf(course.id)).toBe(5);
      expect(await rowsFor(course.id)).toHaveLength(5);
    });

    it("frees the seat on cancel so the next learner fits", async () => {
      const course = h.catalog.add({ capacity: 1 });
      const first = learner();
      const second = learner();
      const enrollment = await h.service.enroll(first, course.id);
      expect(await codeOf(h.service.enroll(second, course.id))).toBe("CONFLICT");
      await h.service.cancel(first, enrollment.id);
      expect(await seatsOf(course.id)).toBe(0);
      await h.service.enroll(second, course.id);
      expect(await seatsOf(course.id)).toBe(1);
      // The first learner's seat went to the second, so coming back finds the course full.
      await expect(h.service.enroll(first, course.id)).rejects.toMatchObject({ message: "Course is full" });
      expect((await rowsFor(course.id)).map((row) => row.status).sort()).toEqual(["ACTIVE", "CANCELLED"]);
    });

    it("starts a new seat counter from the seats already held", async () => {
      const course = h.catalog.add();
      await h.service.enroll(learner(), course.id);
      await h.service.enroll(learner(), course.id);
      await h.changeCourse({ ...course, capacity: 3 });
      await h.service.enroll(learner(), course.id);
      expect(await seatsOf(course.id)).toBe(3);
      expect(await codeOf(h.service.enroll(learner(), course.id))).toBe("CONFLICT");
    });

    it("re-activates a cancelled enrollment instead of adding a row", async () => {
      const course = h.catalog.add({ capacity: 10 });
      const viewer = learner();
      const first = await h.service.enroll(viewer, course.id);
      const cancelled = await h.service.cancel(viewer, first.id);
      expect(cancelled.status).toBe("CANCELLED");
      const again = await h.service.enroll(viewer, course.id);
      expect(again).toMatchObject({ id: first.id, status: "ACTIVE" });
      expect(again.enrolledAt.getTime()).toBeGreaterThanOrEqual(first.enrolledAt.getTime());
      expect(await rowsFor(course.id)).toEqual([{ id: first.id, status: "ACTIVE" }]);
      expect(await seatsOf(course.id)).toBe(1);
    });
  });

  describe("updateProgress", () => {
    it("moves progress per module, completes at 1 and reopens when a module is unmarked", async () => {
      const course = h.catalog.add();
      const [m1, m2, m3] = course.modules.map((m) => m.id) as [string, string, string];
      const viewer = learner();
      const { id } = await h.service.enroll(viewer, course.id);

      expect((await h.service.updateProgress(viewer, id, m1, true)).progress).toBeCloseTo(1 / 3);
      expect((await h.service.updateProgress(viewer, id, m2, true)).progress).toBeCloseTo(2 / 3);
      const done = await h.service.updateProgress(viewer, id, m3, true);
      expect(done).toMatchObject({ progress: 1, status: "COMPLETED" });
      expect(done.completedAt).toBeInstanceOf(Date);

      const again = await h.service.updateProgress(viewer, id, m3, true);
      expect(again).toMatchObject({ progress: 1, status: "COMPLETED", completedAt: done.completedAt });

      const reopened = await h.service.updateProgress(viewer, id, m2, false);
      expect(reopened).toMatchObject({ status: "ACTIVE", completedAt: null });
      expect(reopened.progress).toBeCloseTo(2 / 3);
      expect((await h.service.completedModuleIds(id, new LoaderRegistry())).sort()).toEqual([m1, m3].sort());
    });

    it("counts every concurrent mark of one enrollment", async () => {
      const course = h.catalog.add();
      const viewer = learner();
      const { id } = await h.service.enroll(viewer, course.id);
      await Promise.all(course.modules.map((m) => h.service.updateProgress(viewer, id, m.id, true)));
      const [row] = await h.db.query<{ progress: number; status: string }>(
        `SELECT progress, status FROM "enrollment"."Enrollment" WHERE id = $1`,
        [id],
      );
      expect(row).toEqual({ progress: 1, status: "COMPLETED" });
    });

    it("lets only the learner record progress and changes nothing otherwise", async () => {
      const course = h.catalog.add();
      const owner = learner();
      const { id } = await h.service.enroll(owner, course.id);
      const moduleId = course.modules[0]!.id;
      expect(await codeOf(h.service.updateProgress(learner(), id, moduleId, true))).toBe("FORBIDDEN");
      expect(await codeOf(h.service.updateProgress(admin(), id, moduleId, true))).toBe("FORBIDDEN");
      expect(await h.service.completedModuleIds(id, new LoaderRegistry())).toEqual([]);
      const [row] = await h.db.query<{ progress: number }>(
        `SELECT progress FROM "enrollment"."Enrollment" WHERE id = $1`,
        [id],
      );
      expect(row?.progress).toBe(0);
    });

    it("decides progress and completion on catalog's modules, not a projection that is behind", async () => {
      // The projection knows one module (an event applied), catalog already has two (the next event is on its way).
      const course = h.catalog.add({ modules: [{ id: randomUUID() }] });
      await h.changeCourse(course);
      const current = { ...course, modules: [...course.modules, { id: randomUUID() }] };
      h.catalog.courses.set(course.id, current);
      const viewer = learner();
      const enrollment = await h.service.enroll(viewer, course.id);
      const after = await h.service.updateProgress(viewer, enrollment.id, course.modules[0]!.id, true);
      expect(after).toMatchObject({ progress: 0.5, status: "ACTIVE", completedAt: null });
    });

    it("records no progress while catalog cannot confirm the course: SERVICE_UNAVAILABLE, nothing written", async () => {
      const course = h.catalog.add();
      const viewer = learner();
      const enrollment = await h.service.enroll(viewer, course.id);
      h.subgraph.setCatalogUrl("http://127.0.0.1:1/graphql");
      try {
        expect(await codeOf(h.service.updateProgress(viewer, enrollment.id, course.modules[0]!.id, true))).toBe(
          "SERVICE_UNAVAILABLE",
        );
      } finally {
        h.subgraph.setCatalogUrl(h.catalog.url);
      }
      const [row] = await h.db.query<{ progress: number }>(
        `SELECT progress FROM "enrollment"."Enrollment" WHERE id = $1`,
        [enrollment.id],
      );
      expect(row!.progress).toBe(0);
      expect(await h.service.completedModuleIds(enrollment.id, new LoaderRegistry())).toEqual([]);
    });

    it("refuses a module of another course", async () => {
      const course = h.catalog.add();
      const other = h.catalog.add();
      const viewer = learner();
      const { id } = await h.service.enroll(viewer, course.id);
      expect(await codeOf(h.service.updateProgress(viewer, id, other.modules[0]!.id, true))).toBe("BAD_USER_INPUT");
      expect(await h.service.completedModuleIds(id, new LoaderRegistry())).toEqual([]);
    });

    it("answers NOT_FOUND for an unknown enrollment and CONFLICT for a cancelled one", async () => {
      const course = h.catalog.add();
      const viewer = learner();
      const moduleId = course.modules[0]!.id;
      expect(await codeOf(h.service.updateProgress(viewer, randomUUID(), moduleId, true))).toBe("NOT_FOUND");
      const { id } = await h.service.enroll(viewer, course.id);
      await h.service.cancel(viewer, id);
      expect(await codeOf(h.service.updateProgress(viewer, id, moduleId, true))).toBe("CONFLICT");
    });
  });

  describe("cancel and read", () => {
    it("lets the learner or an admin cancel, nobody else", async () => {
      const course = h.catalog.add();
      const owner = learner();
      const { id } = await h.service.enroll(owner, course.id);
      expect(await codeOf(h.service.cancel(learner(), id))).toBe("FORBIDDEN");
      expect(await rowsFor(course.id)).toEqual([{ id, status: "ACTIVE" }]);
      expect((await h.service.cancel(admin(), id)).status).toBe("CANCELLED");
      expect((await h.service.cancel(owner, id)).status).toBe("CANCELLED");
    });

    it("refuses to cancel a completed enrollment", async () => {
      const course = h.catalog.add({ modules: [{ id: randomUUID() }] });
      const viewer = learner();
      const { id } = await h.service.enroll(viewer, course.id);
      await h.service.updateProgress(viewer, id, course.modules[0]!.id, true);
      expect(await codeOf(h.service.cancel(viewer, id))).toBe("CONFLICT");
    });

    it("shows an enrollment to its learner and admins only; null when unknown", async () => {
      const course = h.catalog.add();
      const owner = learner();
      const { id } = await h.service.enroll(owner, course.id);
      expect((await h.service.get(owner, id))?.id).toBe(id);
      expect((await h.service.get(admin(), id))?.id).toBe(id);
      expect(await codeOf(h.service.get(learner(), id))).toBe("FORBIDDEN");
      expect(await h.service.get(owner, randomUUID())).toBeNull();
    });

    it("pages a user's enrollments newest first with a total", async () => {
      const viewer = learner();
      const ids: string[] = [];
      for (let i = 0; i < 3; i += 1) ids.push((await h.service.enroll(viewer, h.catalog.add().id)).id);
      const page1 = await h.service.listForViewer(viewer, 2, null);
      expect(page1.totalCount).toBe(3);
      expect(page1.edges.map((e) => e.node.id)).toEqual([ids[2], ids[1]]);
      expect(page1.pageInfo.hasNextPage).toBe(true);
      const page2 = await h.service.listForViewer(viewer, 2, page1.pageInfo.endCursor);
      expect(page2.edges.map((e) => e.node.id)).toEqual([ids[0]]);
      expect(page2.pageInfo.hasNextPage).toBe(false);
      expect(await codeOf(h.service.listForViewer(viewer, 2, "garbage"))).toBe("BAD_USER_INPUT");
    });

    it("lists many users' enrollments in one request for two statements, each as it would list alone", async () => {
      const users = [learner(), learner(), learner()].map((viewer) => viewer.userId!);
      for (const [index, userId] of users.entries()) {
        for (let i = 0; i < index + 2; i += 1) await h.service.enroll({ userId, roles: [] }, h.catalog.add().id);
      }
      const alone = await Promise.all(users.map((userId) => h.service.listForUser(userId, 2, null)));
      const after = alone[2]!.pageInfo.endCursor;
      const aloneAfter = await Promise.all(users.map((userId) => h.service.listForUser(userId, 2, after)));

      const loaders = new LoaderRegistry();
      h.db.queries.reset();
      const together = await Promise.all(users.map((userId) => h.service.listForUser(userId, 2, null, loaders)));
      expect(h.db.queries.total).toBe(2);
      expect(together).toEqual(alone);
      expect(together.map((page) => [page.totalCount, page.pageInfo.hasNextPage])).toEqual([
        [2, false],
        [3, true],
        [4, true],
      ]);
      // Another page in the same request is its own batch, not mixed up with the first.
      expect(await Promise.all(users.map((userId) => h.service.listForUser(userId, 2, after, loaders)))).toEqual(
        aloneAfter,
      );
    });
  });

  describe("Course fields", () => {
    it("counts ACTIVE and COMPLETED enrollments, not CANCELLED", async () => {
      const course = h.catalog.add({ modules: [{ id: randomUUID() }] });
      const [a, b, c] = [learner(), learner(), learner()];
      const ea = await h.service.enroll(a, course.id);
      await h.service.updateProgress(a, ea.id, course.modules[0]!.id, true);
      await h.service.enroll(b, course.id);
      await h.service.cancel(c, (await h.service.enroll(c, course.id)).id);
      expect(await h.service.enrollmentCount(course.id, new LoaderRegistry())).toBe(2);
    });

    it("costs the same number of queries for 50 courses as for 5", async () => {
      const viewer = learner();
      const courses = Array.from({ length: 50 }, () => h.catalog.add());
      for (const course of courses.slice(0, 10)) await h.service.enroll(viewer, course.id);
      const cost = async (n: number) => {
        const loaders = new LoaderRegistry();
        h.db.queries.reset();
        const results = await Promise.all(
          courses
            .slice(0, n)
            .flatMap((course) => [
              h.service.enrollmentCount(course.id, loaders),
              h.service.viewerEnrollment(viewer, course.id, loaders),
            ]),
        );
        expect(results.filter((r) => r !== null && typeof r === "object")).toHaveLength(Math.min(n, 10));
        return h.db.queries.total;
      };
      const five = await cost(5);
      expect(five).toBeGreaterThan(0);
      expect(await cost(50)).toBe(five);
    });

    it("has no viewer enrollment for anonymous callers", async () => {
      const course = h.catalog.add();
      await h.service.enroll(learner(), course.id);
      expect(await h.service.viewerEnrollment({ userId: null, roles: [] }, course.id, new LoaderRegistry())).toBeNull();
    });
  });
});
