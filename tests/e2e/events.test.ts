import { backends, registerInstructor, registerUser, startTestCampus, type TestCampus } from "../support";

/**
 * Domain events end to end, through the router on each backend: writes land
 * in their subgraph's outbox in the same transaction, the relay publishes
 * them, and enrollment's consumer keeps its course projection and its
 * learners' progress in step with catalog.
 */
describe.each(backends({ kafka: true }))("events through the supergraph ($name)", (backend) => {
  let campus: TestCampus;
  beforeAll(async () => {
    campus = await startTestCampus(backend, { EVENTS_POLL_MS: "50" });
  });
  afterAll(async () => {
    await campus?.stop();
  });

  async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const value = await read();
      if (ok(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const published = (schema: "identity" | "catalog" | "enrollment", subject: string) =>
    campus.databases[schema].query<{ type: string; published: boolean }>(
      `SELECT type, "publishedAt" IS NOT NULL AS published FROM "${schema}"."OutboxEvent" WHERE subject = $1 ORDER BY seq`,
      [subject],
    );

  /** The data of a subject's events in its subgraph's outbox, in commit order. */
  const dataOf = async (schema: "identity" | "catalog", subject: string) =>
    (
      await campus.databases[schema].query<{ data: unknown }>(
        `SELECT "event"->'data' AS data FROM "${schema}"."OutboxEvent" WHERE subject = $1 ORDER BY seq`,
        [subject],
      )
    ).map((row) => (typeof row.data === "string" ? JSON.parse(row.data) : row.data) as Record<string, unknown>);

  async function gqlOk<T = any>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
    const result = await campus.gql<T>(query, variables, token);
    expect(result.errors).toBeUndefined();
    return result.data as T;
  }

  it("publishes user.registered and user.role_granted from identity's outbox", async () => {
    const instructor = await registerInstructor(campus);
    const events = await until(
      () => published("identity", instructor.id),
      (rows) => rows.length === 2 && rows.every((row) => row.published),
      "identity events",
    );
    expect(events.map((row) => row.type)).toEqual(["campus.user.registered.v1", "campus.user.role_granted.v1"]);
  });

  it("publishes user.profile_updated when a user changes their name, and not when the name stays", async () => {
    const user = await registerUser(campus, "Named Once");
    const rename = `mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { name } }`;
    await gqlOk(rename, { input: { name: "Named Twice" } }, user.accessToken);
    await gqlOk(rename, { input: { name: "Named Twice" } }, user.accessToken);
    const events = await until(
      () => published("identity", user.id),
      (rows) => rows.length === 2 && rows.every((row) => row.published),
      "identity events",
    );
    expect(events.map((row) => row.type)).toEqual(["campus.user.registered.v1", "campus.user.profile_updated.v1"]);
    expect((await dataOf("identity", user.id)).at(-1)).toEqual({ userId: user.id, name: "Named Twice" });
  });

  it("keeps enrollment's course projection and progress in step with catalog", async () => {
    const instructor = await registerInstructor(campus);
    const learner = await registerUser(campus);
    const { createCourse: course } = await gqlOk(
      `mutation ($input: CreateCourseInput!) { createCourse(input: $input) { id } }`,
      {
        input: {
          title: "Events in practice",
          description: "d",
          level: "BEGINNER",
          price: { amount: 0, currency: "EUR" },
        },
      },
      instructor.accessToken,
    );
    const addModule = `mutation ($courseId: ID!, $input: AddModuleInput!) { addModule(courseId: $courseId, input: $input) { id } }`;
    const m1 = (await gqlOk(addModule, { courseId: course.id, input: { title: "One" } }, instructor.accessToken))
      .addModule;
    const m2 = (await gqlOk(addModule, { courseId: course.id, input: { title: "Two" } }, instructor.accessToken))
      .addModule;
    await gqlOk(`mutation ($id: ID!) { publishCourse(id: $id) { id } }`, { id: course.id }, instructor.accessToken);

    const projection = () =>
      campus.databases.enrollment.query<{ status: string; revision: number; moduleIds: string[] }>(
        `SELECT status, revision, "moduleIds" FROM "enrollment"."CourseProjection" WHERE "courseId" = $1`,
        [course.id],
      );
    const [catalogRow] = await campus.databases.catalog.query<{ revision: number }>(
      `SELECT revision FROM "catalog"."Course" WHERE id = $1`,
      [course.id],
    );
    const [projected] = await until(projection, (rows) => rows[0]?.revision === catalogRow!.revision, "projection");
    expect(projected).toEqual({ status: "PUBLISHED", revision: catalogRow!.revision, moduleIds: [m1.id, m2.id] });
    expect((await published("catalog", course.id)).map((row) => row.type)).toEqual([
      "campus.course.created.v1",
      "campus.course.module_added.v1",
      "campus.course.module_added.v1",
      "campus.course.published.v1",
    ]);
    // what search indexes rides along: texts, level, language, category (none here), module titles, dates
    const [publishedRow] = await campus.databases.catalog.query<{ publishedAt: Date | string }>(
      `SELECT "publishedAt" FROM "catalog"."Course" WHERE id = $1`,
      [course.id],
    );
    expect((await dataOf("catalog", course.id)).at(-1)).toMatchObject({
      description: "d",
      level: "BEGINNER",
      language: "en",
      category: null,
      moduleIds: [m1.id, m2.id],
      modules: [
        { id: m1.id, title: "One" },
        { id: m2.id, title: "Two" },
      ],
      publishedAt: new Date(publishedRow!.publishedAt).toISOString(),
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });

    const { enroll } = await gqlOk(
      `mutation ($id: ID!) { enroll(courseId: $id) { id } }`,
      { id: course.id },
      learner.accessToken,
    );
    const progress = `mutation ($e: ID!, $m: ID!) { updateProgress(enrollmentId: $e, moduleId: $m, completed: true) { progress status } }`;
    expect((await gqlOk(progress, { e: enroll.id, m: m1.id }, learner.accessToken)).updateProgress).toEqual({
      progress: 0.5,
      status: "ACTIVE",
    });

    // The instructor drops the module the learner has not done: enrollment's consumer recomputes.
    // a category given, then the module dropped: the removal's event names the category the lock read
    const category = await campus.services.catalog.categories.createCategory(
      { userId: "00000000-0000-0000-0000-000000000000", roles: ["ADMIN"] },
      `Events ${Date.now()}`,
    );
    await gqlOk(
      `mutation ($id: ID!, $input: UpdateCourseInput!) { updateCourse(id: $id, input: $input) { id } }`,
      { id: course.id, input: { categoryId: category.id } },
      instructor.accessToken,
    );
    await gqlOk(`mutation ($m: ID!) { removeModule(moduleId: $m) { id } }`, { m: m2.id }, instructor.accessToken);
    expect((await dataOf("catalog", course.id)).slice(-2)).toEqual([
      expect.objectContaining({ category: { id: category.id, name: category.name } }),
      expect.objectContaining({
        moduleId: m2.id,
        modules: [{ id: m1.id, title: "One" }],
        category: { id: category.id, name: category.name },
      }),
    ]);
    const enrollment = () =>
      campus.databases.enrollment.query<{ progress: number; status: string }>(
        `SELECT progress, status FROM "enrollment"."Enrollment" WHERE id = $1`,
        [enroll.id],
      );
    expect((await until(enrollment, (rows) => rows[0]?.status === "COMPLETED", "recomputed progress"))[0]).toEqual({
      progress: 1,
      status: "COMPLETED",
    });
    const enrollmentEvents = await until(
      () => published("enrollment", enroll.id),
      (rows) => rows.length === 4 && rows.every((row) => row.published),
      "enrollment events",
    );
    expect(enrollmentEvents.map((row) => row.type)).toEqual([
      "campus.enrollment.created.v1",
      "campus.enrollment.progressed.v1",
      "campus.enrollment.progressed.v1",
      "campus.enrollment.completed.v1",
    ]);
  });

  it("reports outbox and consumer figures in enrollment's readiness detail", async () => {
    const response = await fetch(campus.subgraphUrls.enrollment.replace(/\/graphql$/, "/health/ready"));
    const body = (await response.json()) as { events: any };
    expect(response.status).toBe(200);
    expect(body.events.outbox).toMatchObject({ pending: expect.any(Number), oldestPendingAgeMs: expect.any(Number) });
    expect(body.events.consumers["enrollment.course-projection"]).toMatchObject({
      processed: expect.any(Number),
      retries: 0,
      deadLetters: 0,
      lag: expect.any(Number),
    });
    expect(body.events.consumers["enrollment.course-projection"].processed).toBeGreaterThan(0);
  });
});
