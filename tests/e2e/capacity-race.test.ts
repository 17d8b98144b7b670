import { backends, registerInstructor, startTestCampus, type TestCampus, operation } from "../support";

/**
 * The seat limit under a burst: 100 learners enroll in a 5-seat course at the
 * same moment, through the router. The guard is the CourseSeats counter row
 * (subgraphs/enrollment/src/data/enrollment-writes.ts, takeSeat): exactly 5
 * win, everyone else gets CONFLICT "Course is full", and the database holds
 * exactly 5 seat-holding rows and a counter of 5. On the postgres+redis
 * backend the enrolls really run in parallel on a connection pool; on the
 * embedded one PGlite interleaves them on its single connection.
 */

const CAPACITY = 5;
const LEARNERS = 100;

// As in schema/operations/mvp.graphql.
const CREATE_COURSE = operation("mvp", "CreateCourse");
const ADD_MODULE = operation("mvp", "AddModule");
const PUBLISH = operation("mvp", "PublishCourse");
const COURSE = operation("mvp", "Course");
const ENROLL = operation("mvp", "Enroll");

describe.each(backends().map((backend) => [backend.name, backend] as const))(
  "seat limit under 100 concurrent enrolls, through the router (%s)",
  (_name, backend) => {
    let campus: TestCampus;
    beforeAll(async () => {
      campus = await startTestCampus(backend);
    }, 300_000);
    afterAll(() => campus?.stop());

    /** Registered through the identity service (as the seed does): 100 argon2 hashes, a few at a time. */
    async function learners(count: number): Promise<{ id: string; accessToken: string }[]> {
      const sessions: { id: string; accessToken: string }[] = [];
      const stamp = Date.now();
      for (let start = 0; start < count; start += 10) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(10, count - start) }, (_, n) =>
            campus.services.identity.accounts.register({
              email: `racer.${start + n}.${stamp}@example.com`,
              password: "a sturdy passphrase",
              name: `Racer ${start + n}`,
            }),
          ),
        );
        sessions.push(...batch.map((session) => ({ id: session.user.id, accessToken: session.accessToken })));
      }
      return sessions;
    }

    async function seatRows(courseId: string) {
      const db = campus.databases.enrollment;
      const statuses = await db.query<{ status: string; count: number }>(
        `SELECT "status"::text AS status, count(*)::int AS count FROM "enrollment"."Enrollment"
          WHERE "courseId" = $1::uuid GROUP BY "status"`,
        [courseId],
      );
      const seats = await db.query<{ taken: number }>(
        `SELECT "taken" FROM "enrollment"."CourseSeats" WHERE "courseId" = $1::uuid`,
        [courseId],
      );
      return {
        byStatus: Object.fromEntries(statuses.map((row) => [row.status, Number(row.count)])),
        taken: seats.map((row) => Number(row.taken)),
      };
    }

    it(`exactly ${CAPACITY} of ${LEARNERS} win; the rest get CONFLICT "Course is full"; nothing else is written`, async () => {
      const instructor = await registerInstructor(campus, "Seat Keeper");
      const created = await campus.gql(
        CREATE_COURSE,
        {
          input: {
            title: "Five Seats Only",
            description: "A small room",
            level: "BEGINNER",
            price: { amount: 0, currency: "USD" },
            capacity: CAPACITY,
          },
        },
        instructor.accessToken,
      );
      expect(created.errors).toBeUndefined();
      const courseId = created.data.createCourse.id as string;
      expect(
        (await campus.gql(ADD_MODULE, { courseId, input: { title: "Only part" } }, instructor.accessToken)).errors,
      ).toBeUndefined();
      expect((await campus.gql(PUBLISH, { id: courseId }, instructor.accessToken)).errors).toBeUndefined();

      const racers = await learners(LEARNERS);
      expect(new Set(racers.map((racer) => racer.id)).size).toBe(LEARNERS);
      // nothing held before the start: no counter row, no enrollment
      expect(await seatRows(courseId)).toEqual({ byStatus: {}, taken: [] });

      // All requests are built and fired before any answer is awaited.
      const results = await Promise.all(racers.map((racer) => campus.gql(ENROLL, { courseId }, racer.accessToken)));

      // One tally of every answer, so a failure shows at a glance what came back.
      const outcome = (result: (typeof results)[number]) =>
        result.errors
          ? `${result.errors.map((error) => `${error.extensions?.code}: ${error.message}`).join(" | ")}`
          : `${result.data.enroll.status} in ${result.data.enroll.course.id === courseId ? "the course" : "another course"}`;
      const tally: Record<string, number> = {};
      for (const result of results) tally[outcome(result)] = (tally[outcome(result)] ?? 0) + 1;
      expect(tally).toEqual({ "ACTIVE in the course": CAPACITY, "CONFLICT: Course is full": LEARNERS - CAPACITY });

      const winners = results.flatMap((result, index) => (result.errors ? [] : [{ result, racer: racers[index]! }]));
      for (const { result } of winners) expect(result.data.enroll.progress).toBe(0);
      for (const loser of results.filter((result) => result.errors)) expect(loser.data ?? null).toBeNull();

      // The database agrees: 5 ACTIVE rows (the winners', one each), no leftovers of the losers, counter at 5.
      expect(await seatRows(courseId)).toEqual({ byStatus: { ACTIVE: CAPACITY }, taken: [CAPACITY] });
      const owners = await campus.databases.enrollment.query<{ userId: string }>(
        `SELECT "userId"::text AS "userId" FROM "enrollment"."Enrollment" WHERE "courseId" = $1::uuid`,
        [courseId],
      );
      expect(new Set(owners.map((row) => row.userId))).toEqual(new Set(winners.map(({ racer }) => racer.id)));
      const ids = winners.map(({ result }) => result.data.enroll.id as string);
      expect(new Set(ids).size).toBe(CAPACITY);

      // And so does the API, for a winner and for a loser.
      const winner = winners[0]!;
      const seen = await campus.gql(COURSE, { id: courseId }, winner.racer.accessToken);
      expect(seen.data.course).toMatchObject({
        enrollmentCount: CAPACITY,
        viewerEnrollment: { id: winner.result.data.enroll.id, status: "ACTIVE" },
      });
      const loserIndex = results.findIndex((result) => result.errors);
      const loserView = await campus.gql(COURSE, { id: courseId }, racers[loserIndex]!.accessToken);
      expect(loserView.data.course).toMatchObject({ enrollmentCount: CAPACITY, viewerEnrollment: null });

      // Full stays full: a late comer is refused too, and the counter does not move.
      const late = await campus.gql(ENROLL, { courseId }, racers[loserIndex]!.accessToken);
      expect(late.errors?.[0]).toMatchObject({ message: "Course is full", extensions: { code: "CONFLICT" } });
      expect(await seatRows(courseId)).toEqual({ byStatus: { ACTIVE: CAPACITY }, taken: [CAPACITY] });
    }, 300_000); // 100 argon2 registrations on a shared 2-core machine

    it("one learner enrolling 20 times at once holds one seat; the other 19 get CONFLICT", async () => {
      const instructor = await registerInstructor(campus, "Double Booker");
      const created = await campus.gql(
        CREATE_COURSE,
        {
          input: {
            title: "Book Once",
            description: "One seat each",
            level: "BEGINNER",
            price: { amount: 0, currency: "USD" },
            capacity: CAPACITY,
          },
        },
        instructor.accessToken,
      );
      const courseId = created.data.createCourse.id as string;
      await campus.gql(ADD_MODULE, { courseId, input: { title: "Only part" } }, instructor.accessToken);
      expect((await campus.gql(PUBLISH, { id: courseId }, instructor.accessToken)).errors).toBeUndefined();
      const [learner] = await learners(1);

      const results = await Promise.all(
        Array.from({ length: 20 }, () => campus.gql(ENROLL, { courseId }, learner!.accessToken)),
      );
      const tally: Record<string, number> = {};
      for (const result of results) {
        const key = result.errors
          ? result.errors.map((error) => `${error.extensions?.code}: ${error.message}`).join(" | ")
          : result.data.enroll.status;
        tally[key] = (tally[key] ?? 0) + 1;
      }
      expect(tally).toEqual({ ACTIVE: 1, "CONFLICT: Already enrolled in this course": 19 });
      expect(await seatRows(courseId)).toEqual({ byStatus: { ACTIVE: 1 }, taken: [1] });
    });
  },
);
