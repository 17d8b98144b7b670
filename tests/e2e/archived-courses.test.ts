import {
  backends,
  registerAdmin,
  registerInstructor,
  registerUser,
  settleEvents,
  startTestCampus,
  type TestCampus,
  type TestUser,
} from "../support";

/**
 * "Archived courses stay readable to enrolled learners but leave the listing",
 * through the router on each backend. Catalog learns who is enrolled from
 * enrollment's events (its catalog.course-learners consumer), so every check
 * below first waits for the events to settle.
 */
describe.each(backends())("archived courses ($name)", (backend) => {
  let campus: TestCampus;
  beforeAll(async () => {
    campus = await startTestCampus(backend, { EVENTS_POLL_MS: "50" });
  });
  afterAll(async () => {
    await campus?.stop();
  });

  async function gqlOk<T = any>(query: string, variables: Record<string, unknown>, user?: TestUser): Promise<T> {
    const result = await campus.gql<T>(query, variables, user?.accessToken);
    expect(result.errors).toBeUndefined();
    return result.data as T;
  }

  const COURSE = `query ($id: ID!) { course(id: $id) { id title status } }`;
  const BY_SLUG = `query ($slug: String!) { courseBySlug(slug: $slug) { id status } }`;
  const LISTING = `query ($filter: CourseFilter) { courses(first: 50, filter: $filter) { edges { node { id } } } }`;
  const MY_ENROLLMENTS = `query { enrollments(first: 20) { edges { node { id status course { id title status } } } } }`;

  it("shows an archived course by id and slug to its instructor, admins and learners only", async () => {
    const [instructor, admin, learnerA, learnerB, leaver, finisher] = await Promise.all([
      registerInstructor(campus, "Archive Owner"),
      registerAdmin(campus),
      registerUser(campus, "Learner A"),
      registerUser(campus, "Learner B"),
      registerUser(campus, "Leaver"),
      registerUser(campus, "Finisher"),
    ]);
    const { createCourse: course } = await gqlOk(
      `mutation ($input: CreateCourseInput!) { createCourse(input: $input) { id slug } }`,
      {
        input: {
          title: "Retired course",
          description: "d",
          level: "BEGINNER",
          price: { amount: 0, currency: "EUR" },
        },
      },
      instructor,
    );
    const { addModule: module } = await gqlOk(
      `mutation ($courseId: ID!) { addModule(courseId: $courseId, input: { title: "Only part" }) { id } }`,
      { courseId: course.id },
      instructor,
    );
    await gqlOk(`mutation ($id: ID!) { publishCourse(id: $id) { id } }`, { id: course.id }, instructor);

    const enroll = async (user: TestUser) =>
      (await gqlOk(`mutation ($id: ID!) { enroll(courseId: $id) { id } }`, { id: course.id }, user)).enroll
        .id as string;
    const enrollmentA = await enroll(learnerA);
    const leaving = await enroll(leaver);
    await gqlOk(`mutation ($e: ID!) { cancelEnrollment(enrollmentId: $e) { status } }`, { e: leaving }, leaver);
    const finishing = await enroll(finisher);
    const done = await gqlOk(
      `mutation ($e: ID!, $m: ID!) { updateProgress(enrollmentId: $e, moduleId: $m, completed: true) { status } }`,
      { e: finishing, m: module.id },
      finisher,
    );
    expect(done.updateProgress.status).toBe("COMPLETED");

    await gqlOk(`mutation ($id: ID!) { archiveCourse(id: $id) { status } }`, { id: course.id }, instructor);
    await settleEvents(campus);

    for (const user of [learnerA, finisher, instructor, admin]) {
      expect((await gqlOk(COURSE, { id: course.id }, user)).course).toEqual({
        id: course.id,
        title: "Retired course",
        status: "ARCHIVED",
      });
      expect((await gqlOk(BY_SLUG, { slug: course.slug }, user)).courseBySlug).toEqual({
        id: course.id,
        status: "ARCHIVED",
      });
    }
    // null, not an error: the same answer as for a course that does not exist
    for (const user of [learnerB, leaver, undefined]) {
      expect((await gqlOk(COURSE, { id: course.id }, user)).course).toBeNull();
      expect((await gqlOk(BY_SLUG, { slug: course.slug }, user)).courseBySlug).toBeNull();
    }

    // The public listing leaves it out for everyone, learners included, also when it names the instructor.
    const listed = async (user: TestUser | undefined, filter: Record<string, unknown>) =>
      (await gqlOk(LISTING, { filter }, user)).courses.edges.map((edge: any) => edge.node.id);
    for (const user of [learnerA, learnerB, leaver, finisher, instructor, admin, undefined]) {
      expect(await listed(user, {})).not.toContain(course.id);
    }
    for (const user of [learnerA, learnerB, leaver, finisher, undefined]) {
      expect(await listed(user, { instructorId: instructor.id })).not.toContain(course.id);
    }
    // Only the instructor managing their own courses (or an admin doing it for them) still lists it.
    expect(await listed(instructor, { instructorId: instructor.id, status: "ARCHIVED" })).toEqual([course.id]);
    expect(await listed(admin, { instructorId: instructor.id, status: "ARCHIVED" })).toEqual([course.id]);

    // Learner A's own enrollment still resolves the archived course through catalog's _entities.
    const mine = (await gqlOk(MY_ENROLLMENTS, {}, learnerA)).enrollments.edges.map((edge: any) => edge.node);
    expect(mine).toEqual([
      { id: enrollmentA, status: "ACTIVE", course: { id: course.id, title: "Retired course", status: "ARCHIVED" } },
    ]);
  });

  it("reports the course-learners consumer in catalog's readiness detail", async () => {
    const response = await fetch(campus.subgraphUrls.catalog.replace(/\/graphql$/, "/health/ready"));
    const body = (await response.json()) as { events: any };
    expect(response.status).toBe(200);
    expect(body.events.consumers["catalog.course-learners"]).toMatchObject({
      processed: expect.any(Number),
      retries: 0,
      deadLetters: 0,
      lag: expect.any(Number),
    });
    expect(body.events.consumers["catalog.course-learners"].processed).toBeGreaterThan(0);
  });
});
