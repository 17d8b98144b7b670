import { randomUUID } from "node:crypto";
import {
  backends,
  registerInstructor,
  registerUser,
  startTestCampus,
  type GraphQLResult,
  type TestCampus,
  type TestUser,
  operation,
} from "../support";

/**
 * Bad paths of enrolling and recording progress, through the router on every
 * backend: each answers with its stable code AND leaves the databases as they
 * were (rows, completions, seat counters, what the API reports). Complements
 * the "bad paths" case of mvp-flow.test.ts, which checks the codes but not,
 * for most of them, that nothing changed; a draft course, an archived one,
 * an unknown id and someone else's enrollment beyond updateProgress were not
 * covered there. The last block is the catalog cache seen from enrollment:
 * a course read (and so cached) just before a write must not be served stale.
 */

// As in schema/operations/mvp.graphql.
const CREATE_COURSE = operation("mvp", "CreateCourse");
const ADD_MODULE = operation("mvp", "AddModule");
const PUBLISH = operation("mvp", "PublishCourse");
const COURSE = operation("mvp", "Course");
const ENROLL = operation("mvp", "Enroll");
const UPDATE_PROGRESS = operation("mvp", "UpdateProgress");
// Beyond mvp.graphql, from the supergraph.
const UPDATE_COURSE = `mutation UpdateCourse($id: ID!, $input: UpdateCourseInput!) { updateCourse(id: $id, input: $input) { id price { amount } capacity status } }`;
const ARCHIVE = `mutation ArchiveCourse($id: ID!) { archiveCourse(id: $id) { id status } }`;
const CANCEL = `mutation CancelEnrollment($enrollmentId: ID!) { cancelEnrollment(enrollmentId: $enrollmentId) { id status } }`;
const ENROLLMENT = `query Enrollment($id: ID!) { enrollment(id: $id) { id status progress completedModuleIds } }`;

/** What a failed call answered: its code and message, and that it carried no data. */
function refusal(result: GraphQLResult) {
  const [error] = result.errors ?? [];
  return { code: error?.extensions?.code, message: error?.message, data: result.data ?? null };
}

describe.each(backends().map((backend) => [backend.name, backend] as const))(
  "enrollment bad paths change nothing, through the router (%s)",
  (_name, backend) => {
    let campus: TestCampus;
    let instructor: TestUser;
    beforeAll(async () => {
      campus = await startTestCampus(backend);
      instructor = await registerInstructor(campus, "Grace Hopper");
    }, 300_000);
    afterAll(() => campus?.stop());

    async function course(
      options: { price?: number; capacity?: number; modules?: number; publish?: boolean } = {},
    ): Promise<{ id: string; moduleIds: string[] }> {
      const { price = 0, capacity, modules = 2, publish = true } = options;
      const created = await campus.gql(
        CREATE_COURSE,
        {
          input: {
            title: `Bad Paths ${randomUUID().slice(0, 8)}`,
            description: "Where things go wrong",
            level: "BEGINNER",
            price: { amount: price, currency: "USD" },
            ...(capacity ? { capacity } : {}),
          },
        },
        instructor.accessToken,
      );
      expect(created.errors).toBeUndefined();
      const id = created.data.createCourse.id as string;
      const moduleIds: string[] = [];
      for (let n = 1; n <= modules; n += 1) {
        const added = await campus.gql(
          ADD_MODULE,
          { courseId: id, input: { title: `Part ${n}` } },
          instructor.accessToken,
        );
        expect(added.errors).toBeUndefined();
        moduleIds.push(added.data.addModule.id);
      }
      if (publish) expect((await campus.gql(PUBLISH, { id }, instructor.accessToken)).errors).toBeUndefined();
      return { id, moduleIds };
    }

    async function enroll(courseId: string, user: TestUser): Promise<string> {
      const result = await campus.gql(ENROLL, { courseId }, user.accessToken);
      expect(result.errors).toBeUndefined();
      return result.data.enroll.id;
    }

    /** Everything enrollment's database holds about some courses: rows, completions, seat counters. */
    async function state(...courseIds: string[]) {
      const db = campus.databases.enrollment;
      const enrollments = await db.query(
        `SELECT "id"::text, "userId"::text, "courseId"::text, "status"::text, "progress", "completedAt", "enrolledAt", "updatedAt"
           FROM "enrollment"."Enrollment" WHERE "courseId" = ANY($1::uuid[]) ORDER BY "id"`,
        [courseIds],
      );
      const completions = await db.query(
        `SELECT c."enrollmentId"::text, c."moduleId"::text, c."completedAt"
           FROM "enrollment"."ModuleCompletion" c JOIN "enrollment"."Enrollment" e ON e."id" = c."enrollmentId"
          WHERE e."courseId" = ANY($1::uuid[]) ORDER BY 1, 2`,
        [courseIds],
      );
      const seats = await db.query(
        `SELECT "courseId"::text, "taken" FROM "enrollment"."CourseSeats" WHERE "courseId" = ANY($1::uuid[]) ORDER BY 1`,
        [courseIds],
      );
      return { enrollments, completions, seats };
    }

    it("enrolling twice: CONFLICT, one row, one seat, progress kept", async () => {
      const { id, moduleIds } = await course({ capacity: 10 });
      const learner = await registerUser(campus);
      const enrollmentId = await enroll(id, learner);
      await campus.gql(UPDATE_PROGRESS, { enrollmentId, moduleId: moduleIds[0], completed: true }, learner.accessToken);
      const before = await state(id);
      expect(before.seats).toEqual([{ courseId: id, taken: 1 }]);

      expect(refusal(await campus.gql(ENROLL, { courseId: id }, learner.accessToken))).toEqual({
        code: "CONFLICT",
        message: "Already enrolled in this course",
        data: null,
      });
      expect(await state(id)).toEqual(before);
      const seen = await campus.gql(COURSE, { id }, learner.accessToken);
      expect(seen.data.course).toMatchObject({
        enrollmentCount: 1,
        viewerEnrollment: { id: enrollmentId, progress: 0.5, status: "ACTIVE" },
      });
    });

    // Filled by the test below; the test after it reads it.
    let draftRefusal: ReturnType<typeof refusal> | undefined;
    let ownDraftRefusal: ReturnType<typeof refusal> | undefined;

    it("a draft, an archived, a paid and an unknown course: refused, no rows, no seat counters", async () => {
      const draft = await course({ publish: false, capacity: 3 });
      const archived = await course({ capacity: 3 });
      expect((await campus.gql(ARCHIVE, { id: archived.id }, instructor.accessToken)).errors).toBeUndefined();
      const paid = await course({ price: 4900, capacity: 3 });
      const learner = await registerUser(campus);

      // refused (the codes are checked by the test below)
      draftRefusal = refusal(await campus.gql(ENROLL, { courseId: draft.id }, learner.accessToken));
      ownDraftRefusal = refusal(await campus.gql(ENROLL, { courseId: draft.id }, instructor.accessToken));
      expect(draftRefusal.code).toBeDefined();
      expect(draftRefusal.data).toBeNull();
      // whoever cannot see a course cannot tell it from a missing one
      expect(refusal(await campus.gql(ENROLL, { courseId: archived.id }, learner.accessToken))).toEqual({
        code: "NOT_FOUND",
        message: "Course not found",
        data: null,
      });
      expect(refusal(await campus.gql(ENROLL, { courseId: paid.id }, learner.accessToken))).toMatchObject({
        code: "PAYMENT_REQUIRED",
        data: null,
      });
      for (const unknown of [randomUUID(), "not-a-uuid"]) {
        expect(refusal(await campus.gql(ENROLL, { courseId: unknown }, learner.accessToken))).toMatchObject({
          code: "NOT_FOUND",
          data: null,
        });
      }
      expect(await state(draft.id, archived.id, paid.id)).toEqual({ enrollments: [], completions: [], seats: [] });
      // the instructor still sees no enrollment on the draft; the learner none on the paid course
      expect((await campus.gql(COURSE, { id: draft.id }, instructor.accessToken)).data.course.enrollmentCount).toBe(0);
      expect((await campus.gql(COURSE, { id: paid.id }, learner.accessToken)).data.course).toMatchObject({
        enrollmentCount: 0,
        viewerEnrollment: null,
      });
      // and anonymous callers are stopped before anything is looked up
      expect(refusal(await campus.gql(ENROLL, { courseId: paid.id }))).toMatchObject({
        code: "UNAUTHENTICATED",
        data: null,
      });
    });

    it("a draft course: NOT_FOUND to a learner, CONFLICT “Course is not open for enrollment” to its instructor", () => {
      expect(draftRefusal).toEqual({ code: "NOT_FOUND", message: "Course not found", data: null });
      expect(ownDraftRefusal).toEqual({ code: "CONFLICT", message: "Course is not open for enrollment", data: null });
    });

    it("someone else's enrollment: FORBIDDEN to read, to progress and to cancel; nothing moves", async () => {
      const { id, moduleIds } = await course({ capacity: 10 });
      const learner = await registerUser(campus);
      const intruder = await registerUser(campus);
      const enrollmentId = await enroll(id, learner);
      await campus.gql(UPDATE_PROGRESS, { enrollmentId, moduleId: moduleIds[0], completed: true }, learner.accessToken);
      const before = await state(id);

      expect(
        refusal(
          await campus.gql(
            UPDATE_PROGRESS,
            { enrollmentId, moduleId: moduleIds[1], completed: true },
            intruder.accessToken,
          ),
        ),
      ).toMatchObject({ code: "FORBIDDEN", data: null });
      expect(
        refusal(
          await campus.gql(
            UPDATE_PROGRESS,
            { enrollmentId, moduleId: moduleIds[0], completed: false },
            intruder.accessToken,
          ),
        ),
      ).toMatchObject({ code: "FORBIDDEN", data: null });
      expect(refusal(await campus.gql(CANCEL, { enrollmentId }, intruder.accessToken))).toMatchObject({
        code: "FORBIDDEN",
        data: null,
      });
      const peek = await campus.gql(ENROLLMENT, { id: enrollmentId }, intruder.accessToken);
      expect(peek.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      expect(peek.data?.enrollment ?? null).toBeNull();
      // unknown enrollments: NOT_FOUND for writes, null for reads
      expect(
        refusal(
          await campus.gql(
            UPDATE_PROGRESS,
            { enrollmentId: randomUUID(), moduleId: moduleIds[0], completed: true },
            intruder.accessToken,
          ),
        ),
      ).toMatchObject({ code: "NOT_FOUND", data: null });
      expect((await campus.gql(ENROLLMENT, { id: randomUUID() }, intruder.accessToken)).data.enrollment).toBeNull();

      expect(await state(id)).toEqual(before);
      const own = await campus.gql(ENROLLMENT, { id: enrollmentId }, learner.accessToken);
      expect(own.data.enrollment).toEqual({
        id: enrollmentId,
        status: "ACTIVE",
        progress: 0.5,
        completedModuleIds: [moduleIds[0]],
      });
    });

    it("a module of another course, or a cancelled enrollment: refused, progress untouched", async () => {
      const mine = await course({ capacity: 10 });
      const other = await course();
      const learner = await registerUser(campus);
      const enrollmentId = await enroll(mine.id, learner);
      await campus.gql(
        UPDATE_PROGRESS,
        { enrollmentId, moduleId: mine.moduleIds[0], completed: true },
        learner.accessToken,
      );
      const before = await state(mine.id, other.id);

      for (const moduleId of [other.moduleIds[0], randomUUID(), "not-a-uuid"]) {
        expect(
          refusal(await campus.gql(UPDATE_PROGRESS, { enrollmentId, moduleId, completed: true }, learner.accessToken)),
        ).toEqual({ code: "BAD_USER_INPUT", message: "Module is not part of this course", data: null });
      }
      expect(await state(mine.id, other.id)).toEqual(before);

      expect((await campus.gql(CANCEL, { enrollmentId }, learner.accessToken)).data.cancelEnrollment.status).toBe(
        "CANCELLED",
      );
      const cancelled = await state(mine.id, other.id);
      expect(cancelled.seats).toEqual([{ courseId: mine.id, taken: 0 }]);
      expect(
        refusal(
          await campus.gql(
            UPDATE_PROGRESS,
            { enrollmentId, moduleId: mine.moduleIds[1], completed: true },
            learner.accessToken,
          ),
        ),
      ).toEqual({ code: "CONFLICT", message: "Enrollment is cancelled", data: null });
      expect(await state(mine.id, other.id)).toEqual(cancelled);
    });

    describe("the catalog cache never lets enrollment act on a stale course", () => {
      /**
       * Reads the course twice through the router: the first read caches it
       * (with its modules), the second is served from that cache entry, the
       * one enrollment's look-up of the course (catalog's Course reference) reads.
       */
      async function warm(courseId: string, user: TestUser) {
        for (let read = 0; read < 2; read += 1) {
          expect((await campus.gql(COURSE, { id: courseId }, user.accessToken)).errors).toBeUndefined();
        }
      }

      it("free → paid, published → archived, and a lower capacity are seen at once", async () => {
        const learner = await registerUser(campus);
        const first = await registerUser(campus);
        const cacheBefore = campus.services.catalog.cache.stats();

        const toPaid = await course();
        await warm(toPaid.id, learner);
        const updated = await campus.gql(
          UPDATE_COURSE,
          { id: toPaid.id, input: { price: { amount: 1900, currency: "USD" } } },
          instructor.accessToken,
        );
        expect(updated.errors).toBeUndefined();
        expect(refusal(await campus.gql(ENROLL, { courseId: toPaid.id }, learner.accessToken))).toMatchObject({
          code: "PAYMENT_REQUIRED",
          data: null,
        });

        const toArchived = await course();
        await warm(toArchived.id, learner);
        expect((await campus.gql(ARCHIVE, { id: toArchived.id }, instructor.accessToken)).errors).toBeUndefined();
        expect(refusal(await campus.gql(ENROLL, { courseId: toArchived.id }, learner.accessToken))).toEqual({
          code: "NOT_FOUND",
          message: "Course not found",
          data: null,
        });

        const shrinking = await course({ capacity: 2 });
        await enroll(shrinking.id, first);
        await warm(shrinking.id, learner);
        expect(
          (await campus.gql(UPDATE_COURSE, { id: shrinking.id, input: { capacity: 1 } }, instructor.accessToken))
            .errors,
        ).toBeUndefined();
        expect(refusal(await campus.gql(ENROLL, { courseId: shrinking.id }, learner.accessToken))).toEqual({
          code: "CONFLICT",
          message: "Course is full",
          data: null,
        });

        expect(await state(toPaid.id, toArchived.id)).toEqual({ enrollments: [], completions: [], seats: [] });
        const shrunk = await state(shrinking.id);
        expect(shrunk.enrollments).toHaveLength(1);
        expect(shrunk.seats).toEqual([{ courseId: shrinking.id, taken: 1 }]);
        // the reads above were served from the cache, so a missing invalidation would have shown
        expect(campus.services.catalog.cache.stats().hits - cacheBefore.hits).toBeGreaterThanOrEqual(3);
      });
    });
  },
);
