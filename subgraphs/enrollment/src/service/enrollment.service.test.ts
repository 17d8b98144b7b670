import { randomUUID } from "node:crypto";
import type { Viewer } from "@campus/auth";
import { LoaderRegistry } from "@campus/subgraph";
import { startSubgraph, type SubgraphHarness } from "@campus/testkit";
import { admin, changeCourse, codeOf, FakeCatalog, learner } from "@campus/catalog-client/src/fake-catalog";
import { subgraph, type EnrollmentServices } from "../index";
import type { EnrollmentService } from "./enrollment.service";

describe("EnrollmentService (PGlite + fake catalog over HTTP)", () => {
  let harness: SubgraphHarness<EnrollmentServices>;
  let catalog: FakeCatalog;
  let enrollments: EnrollmentService;
  beforeAll(async () => {
    catalog = await FakeCatalog.start();
    harness = await startSubgraph(subgraph, { neighbours: { catalog } });
    enrollments = harness.services.enrollments;
  });
  afterAll(async () => {
    await harness?.stop();
    await catalog?.stop();
  });
  const newLoaders = () => new LoaderRegistry();

  const rowsFor = (courseId: string) =>
    harness.db.query<{ id: string; status: string }>(
      `SELECT id, status FROM "enrollment"."Enrollment" WHERE "courseId" = $1`,
      [courseId],
    );
  const seatsOf = async (courseId: string) =>
    (
      await harness.db.query<{ taken: number }>(`SELECT taken FROM "enrollment"."CourseSeats" WHERE "courseId" = $1`, [
        courseId,
      ])
    )[0]?.taken;

  describe("enroll", () => {
    it("enrolls a learner in a free published course", async () => {
      const course = catalog.add();
      const viewer = learner();
      const enrollment = await enrollments.enroll(viewer, newLoaders(), course.id);
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
      const course = catalog.add();
      const viewer = learner();
      await enrollments.enroll(viewer, newLoaders(), course.id);
      await expect(enrollments.enroll(viewer, newLoaders(), course.id)).rejects.toMatchObject({
        extensions: { code: "CONFLICT" },
        message: "Already enrolled in this course",
      });
      expect(await rowsFor(course.id)).toHaveLength(1);
    });

    it("answers NOT_FOUND for a draft or archived course to whoever may not see it", async () => {
      const draft = catalog.add({ status: "DRAFT" });
      const archived = catalog.add({ status: "ARCHIVED" });
      await expect(enrollments.enroll(learner(), newLoaders(), draft.id)).rejects.toMatchObject({
        extensions: { code: "NOT_FOUND" },
        message: "Course not found",
      });
      expect(await codeOf(enrollments.enroll(learner(), newLoaders(), archived.id))).toBe("NOT_FOUND");
      expect(await rowsFor(draft.id)).toHaveLength(0);
    });

    it("tells the course's instructor and admins that it is not open (CONFLICT)", async () => {
      const draft = catalog.add({ status: "DRAFT" });
      const instructor = { userId: draft.instructorId, roles: ["LEARNER", "INSTRUCTOR"] } as Viewer;
      await expect(enrollments.enroll(instructor, newLoaders(), draft.id)).rejects.toMatchObject({
        extensions: { code: "CONFLICT" },
        message: "Course is not open for enrollment",
      });
      expect(await codeOf(enrollments.enroll(admin(), newLoaders(), draft.id))).toBe("CONFLICT");
      expect(await rowsFor(draft.id)).toHaveLength(0);
    });

    it("asks for payment for a paid course", async () => {
      const paid = catalog.add({ price: { amount: 4900, currency: "EUR" } });
      expect(await codeOf(enrollments.enroll(learner(), newLoaders(), paid.id))).toBe("PAYMENT_REQUIRED");
      expect(await rowsFor(paid.id)).toHaveLength(0);
    });

    it("opens paid courses to a TRIALING or ACTIVE subscriber, and ends them with the subscription", async () => {
      const paid = catalog.add({ price: { amount: 4900, currency: "EUR" } });
      const viewer = learner();
      const subscriptionId = randomUUID();
      const apply = (status: string) =>
        harness.events.work.run((tx, emit) =>
          enrollments.applySubscription(tx as never, emit, { subscriptionId, userId: viewer.userId!, status }),
        );
      await apply("PAST_DUE");
      expect(await codeOf(enrollments.enroll(viewer, newLoaders(), paid.id))).toBe("PAYMENT_REQUIRED");
      await apply("TRIALING");
      const enrollment = await enrollments.enroll(viewer, newLoaders(), paid.id);
      expect(enrollment).toMatchObject({ status: "ACTIVE", subscriptionId });
      await apply("ACTIVE");
      expect(await rowsFor(paid.id)).toEqual([{ id: enrollment.id, status: "ACTIVE" }]);
      await apply("CANCELED");
      expect(await rowsFor(paid.id)).toEqual([{ id: enrollment.id, status: "CANCELLED" }]);
      expect(await codeOf(enrollments.enroll(viewer, newLoaders(), paid.id))).toBe("PAYMENT_REQUIRED");
    });

    it("answers NOT_FOUND for a course catalog does not know", async () => {
      expect(await codeOf(enrollments.enroll(learner(), newLoaders(), randomUUID()))).toBe("NOT_FOUND");
      expect(await codeOf(enrollments.enroll(learner(), newLoaders(), "not-a-uuid"))).toBe("NOT_FOUND");
    });

    it("requires a signed-in user", async () => {
      const course = catalog.add();
      expect(await codeOf(enrollments.enroll({ userId: null, roles: [] }, newLoaders(), course.id))).toBe(
        "UNAUTHENTICATED",
      );
    });

    it("never gives away more seats than capacity, even to 100 concurrent learners", async () => {
      const course = catalog.add({ capacity: 5 });
      const results = await Promise.allSettled(
        Array.from({ length: 100 }, () => enrollments.enroll(learner(), newLoaders(), course.id)),
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
      const course = catalog.add({ capacity: 1 });
      const first = learner();
      const second = learner();
      const enrollment = await enrollments.enroll(first, newLoaders(), course.id);
      expect(await codeOf(enrollments.enroll(second, newLoaders(), course.id))).toBe("CONFLICT");
      await enrollments.cancel(first, enrollment.id);
      expect(await seatsOf(course.id)).toBe(0);
      await enrollments.enroll(second, newLoaders(), course.id);
      expect(await seatsOf(course.id)).toBe(1);
      // The first learner's seat went to the second, so coming back finds the course full.
      await expect(enrollments.enroll(first, newLoaders(), course.id)).rejects.toMatchObject({
        message: "Course is full",
      });
      expect((await rowsFor(course.id)).map((row) => row.status).sort()).toEqual(["ACTIVE", "CANCELLED"]);
    });

    it("starts a new seat counter from the seats already held", async () => {
      const course = catalog.add();
      await enrollments.enroll(learner(), newLoaders(), course.id);
      await enrollments.enroll(learner(), newLoaders(), course.id);
      await changeCourse(harness, catalog, { ...course, capacity: 3 });
      await enrollments.enroll(learner(), newLoaders(), course.id);
      expect(await seatsOf(course.id)).toBe(3);
      expect(await codeOf(enrollments.enroll(learner(), newLoaders(), course.id))).toBe("CONFLICT");
    });

    it("re-activates a cancelled enrollment instead of adding a row", async () => {
      const course = catalog.add({ capacity: 10 });
      const viewer = learner();
      const first = await enrollments.enroll(viewer, newLoaders(), course.id);
      const cancelled = await enrollments.cancel(viewer, first.id);
      expect(cancelled.status).toBe("CANCELLED");
      const again = await enrollments.enroll(viewer, newLoaders(), course.id);
      expect(again).toMatchObject({ id: first.id, status: "ACTIVE" });
      expect(again.enrolledAt.getTime()).toBeGreaterThanOrEqual(first.enrolledAt.getTime());
      expect(await rowsFor(course.id)).toEqual([{ id: first.id, status: "ACTIVE" }]);
      expect(await seatsOf(course.id)).toBe(1);
    });
  });

  describe("updateProgress", () => {
    it("moves progress per module, completes at 1 and reopens when a module is unmarked", async () => {
      const course = catalog.add();
      const [m1, m2, m3] = course.modules.map((m) => m.id) as [string, string, string];
      const viewer = learner();
      const { id } = await enrollments.enroll(viewer, newLoaders(), course.id);

      expect((await enrollments.updateProgress(viewer, newLoaders(), id, m1, true)).progress).toBeCloseTo(1 / 3);
      expect((await enrollments.updateProgress(viewer, newLoaders(), id, m2, true)).progress).toBeCloseTo(2 / 3);
      const done = await enrollments.updateProgress(viewer, newLoaders(), id, m3, true);
      expect(done).toMatchObject({ progress: 1, status: "COMPLETED" });
      expect(done.completedAt).toBeInstanceOf(Date);

      const again = await enrollments.updateProgress(viewer, newLoaders(), id, m3, true);
      expect(again).toMatchObject({ progress: 1, status: "COMPLETED", completedAt: done.completedAt });

      const reopened = await enrollments.updateProgress(viewer, newLoaders(), id, m2, false);
      expect(reopened).toMatchObject({ status: "ACTIVE", completedAt: null });
      expect(reopened.progress).toBeCloseTo(2 / 3);
      expect((await enrollments.completedModuleIds(new LoaderRegistry(), id)).sort()).toEqual([m1, m3].sort());
    });

    it("counts every concurrent mark of one enrollment", async () => {
      const course = catalog.add();
      const viewer = learner();
      const { id } = await enrollments.enroll(viewer, newLoaders(), course.id);
      await Promise.all(course.modules.map((m) => enrollments.updateProgress(viewer, newLoaders(), id, m.id, true)));
      const [row] = await harness.db.query<{ progress: number; status: string }>(
        `SELECT progress, status FROM "enrollment"."Enrollment" WHERE id = $1`,
        [id],
      );
      expect(row).toEqual({ progress: 1, status: "COMPLETED" });
    });

    it("lets only the learner record progress and changes nothing otherwise", async () => {
      const course = catalog.add();
      const owner = learner();
      const { id } = await enrollments.enroll(owner, newLoaders(), course.id);
      const moduleId = course.modules[0]!.id;
      expect(await codeOf(enrollments.updateProgress(learner(), newLoaders(), id, moduleId, true))).toBe("FORBIDDEN");
      expect(await codeOf(enrollments.updateProgress(admin(), newLoaders(), id, moduleId, true))).toBe("FORBIDDEN");
      expect(await enrollments.completedModuleIds(new LoaderRegistry(), id)).toEqual([]);
      const [row] = await harness.db.query<{ progress: number }>(
        `SELECT progress FROM "enrollment"."Enrollment" WHERE id = $1`,
        [id],
      );
      expect(row?.progress).toBe(0);
    });

    it("decides progress and completion on catalog's modules, not a projection that is behind", async () => {
      // The projection knows one module (an event applied), catalog already has two (the next event is on its way).
      const course = catalog.add({ modules: [{ id: randomUUID() }] });
      await changeCourse(harness, catalog, course);
      const current = { ...course, modules: [...course.modules, { id: randomUUID() }] };
      catalog.courses.set(course.id, current);
      const viewer = learner();
      const enrollment = await enrollments.enroll(viewer, newLoaders(), course.id);
      const after = await enrollments.updateProgress(viewer, newLoaders(), enrollment.id, course.modules[0]!.id, true);
      expect(after).toMatchObject({ progress: 0.5, status: "ACTIVE", completedAt: null });
    });

    it("records no progress while catalog cannot confirm the course: SERVICE_UNAVAILABLE, nothing written", async () => {
      const course = catalog.add();
      const viewer = learner();
      const enrollment = await enrollments.enroll(viewer, newLoaders(), course.id);
      harness.setNeighbour("catalog", "http://127.0.0.1:1/graphql");
      try {
        expect(
          await codeOf(enrollments.updateProgress(viewer, newLoaders(), enrollment.id, course.modules[0]!.id, true)),
        ).toBe("SERVICE_UNAVAILABLE");
      } finally {
        harness.setNeighbour("catalog", catalog.url);
      }
      const [row] = await harness.db.query<{ progress: number }>(
        `SELECT progress FROM "enrollment"."Enrollment" WHERE id = $1`,
        [enrollment.id],
      );
      expect(row!.progress).toBe(0);
      expect(await enrollments.completedModuleIds(new LoaderRegistry(), enrollment.id)).toEqual([]);
    });

    it("refuses a module of another course", async () => {
      const course = catalog.add();
      const other = catalog.add();
      const viewer = learner();
      const { id } = await enrollments.enroll(viewer, newLoaders(), course.id);
      expect(await codeOf(enrollments.updateProgress(viewer, newLoaders(), id, other.modules[0]!.id, true))).toBe(
        "BAD_USER_INPUT",
      );
      expect(await enrollments.completedModuleIds(new LoaderRegistry(), id)).toEqual([]);
    });

    it("answers NOT_FOUND for an unknown enrollment and CONFLICT for a cancelled one", async () => {
      const course = catalog.add();
      const viewer = learner();
      const moduleId = course.modules[0]!.id;
      expect(await codeOf(enrollments.updateProgress(viewer, newLoaders(), randomUUID(), moduleId, true))).toBe(
        "NOT_FOUND",
      );
      const { id } = await enrollments.enroll(viewer, newLoaders(), course.id);
      await enrollments.cancel(viewer, id);
      expect(await codeOf(enrollments.updateProgress(viewer, newLoaders(), id, moduleId, true))).toBe("CONFLICT");
    });
  });

  describe("cancel and read", () => {
    it("lets the learner or an admin cancel, nobody else", async () => {
      const course = catalog.add();
      const owner = learner();
      const { id } = await enrollments.enroll(owner, newLoaders(), course.id);
      expect(await codeOf(enrollments.cancel(learner(), id))).toBe("FORBIDDEN");
      expect(await rowsFor(course.id)).toEqual([{ id, status: "ACTIVE" }]);
      expect((await enrollments.cancel(admin(), id)).status).toBe("CANCELLED");
      expect((await enrollments.cancel(owner, id)).status).toBe("CANCELLED");
    });

    it("refuses to cancel a completed enrollment", async () => {
      const course = catalog.add({ modules: [{ id: randomUUID() }] });
      const viewer = learner();
      const { id } = await enrollments.enroll(viewer, newLoaders(), course.id);
      await enrollments.updateProgress(viewer, newLoaders(), id, course.modules[0]!.id, true);
      expect(await codeOf(enrollments.cancel(viewer, id))).toBe("CONFLICT");
    });

    it("shows an enrollment to its learner and admins only; null when unknown", async () => {
      const course = catalog.add();
      const owner = learner();
      const { id } = await enrollments.enroll(owner, newLoaders(), course.id);
      expect((await enrollments.get(owner, newLoaders(), id))?.id).toBe(id);
      expect((await enrollments.get(admin(), newLoaders(), id))?.id).toBe(id);
      expect(await codeOf(enrollments.get(learner(), newLoaders(), id))).toBe("FORBIDDEN");
      expect(await enrollments.get(owner, newLoaders(), randomUUID())).toBeNull();
    });

    it("pages a user's enrollments newest first with a total", async () => {
      const viewer = learner();
      const ids: string[] = [];
      for (let i = 0; i < 3; i += 1) ids.push((await enrollments.enroll(viewer, newLoaders(), catalog.add().id)).id);
      const page1 = await enrollments.listForViewer(viewer, newLoaders(), 2, null);
      expect(page1.totalCount).toBe(3);
      expect(page1.edges.map((e) => e.node.id)).toEqual([ids[2], ids[1]]);
      expect(page1.pageInfo.hasNextPage).toBe(true);
      const page2 = await enrollments.listForViewer(viewer, newLoaders(), 2, page1.pageInfo.endCursor);
      expect(page2.edges.map((e) => e.node.id)).toEqual([ids[0]]);
      expect(page2.pageInfo.hasNextPage).toBe(false);
      expect(await codeOf(enrollments.listForViewer(viewer, newLoaders(), 2, "garbage"))).toBe("BAD_USER_INPUT");
    });

    it("lists many users' enrollments in one request for two statements, each as it would list alone", async () => {
      const users = [learner(), learner(), learner()].map((viewer) => viewer.userId!);
      for (const [index, userId] of users.entries()) {
        for (let i = 0; i < index + 2; i += 1)
          await enrollments.enroll({ userId, roles: [] }, newLoaders(), catalog.add().id);
      }
      const alone = await Promise.all(users.map((userId) => enrollments.listForUser(newLoaders(), userId, 2, null)));
      const after = alone[2]!.pageInfo.endCursor;
      const aloneAfter = await Promise.all(
        users.map((userId) => enrollments.listForUser(newLoaders(), userId, 2, after)),
      );

      const loaders = new LoaderRegistry();
      harness.db.queries.reset();
      const together = await Promise.all(users.map((userId) => enrollments.listForUser(loaders, userId, 2, null)));
      expect(harness.db.queries.total).toBe(2);
      expect(together).toEqual(alone);
      expect(together.map((page) => [page.totalCount, page.pageInfo.hasNextPage])).toEqual([
        [2, false],
        [3, true],
        [4, true],
      ]);
      // Another page in the same request is its own batch, not mixed up with the first.
      expect(await Promise.all(users.map((userId) => enrollments.listForUser(loaders, userId, 2, after)))).toEqual(
        aloneAfter,
      );
    });
  });

  describe("Course fields", () => {
    it("counts ACTIVE and COMPLETED enrollments, not CANCELLED", async () => {
      const course = catalog.add({ modules: [{ id: randomUUID() }] });
      const [a, b, c] = [learner(), learner(), learner()];
      const ea = await enrollments.enroll(a, newLoaders(), course.id);
      await enrollments.updateProgress(a, newLoaders(), ea.id, course.modules[0]!.id, true);
      await enrollments.enroll(b, newLoaders(), course.id);
      await enrollments.cancel(c, (await enrollments.enroll(c, newLoaders(), course.id)).id);
      expect(await enrollments.enrollmentCount(new LoaderRegistry(), course.id)).toBe(2);
    });

    it("costs the same number of queries for 50 courses as for 5", async () => {
      const viewer = learner();
      const courses = Array.from({ length: 50 }, () => catalog.add());
      for (const course of courses.slice(0, 10)) await enrollments.enroll(viewer, newLoaders(), course.id);
      const cost = async (n: number) => {
        const loaders = new LoaderRegistry();
        harness.db.queries.reset();
        const results = await Promise.all(
          courses
            .slice(0, n)
            .flatMap((course) => [
              enrollments.enrollmentCount(loaders, course.id),
              enrollments.viewerEnrollment(viewer, loaders, course.id),
            ]),
        );
        expect(results.filter((r) => r !== null && typeof r === "object")).toHaveLength(Math.min(n, 10));
        return harness.db.queries.total;
      };
      const five = await cost(5);
      expect(five).toBeGreaterThan(0);
      expect(await cost(50)).toBe(five);
    });

    it("has no viewer enrollment for anonymous callers", async () => {
      const course = catalog.add();
      await enrollments.enroll(learner(), newLoaders(), course.id);
      expect(
        await enrollments.viewerEnrollment({ userId: null, roles: [] }, new LoaderRegistry(), course.id),
      ).toBeNull();
    });
  });
});
