import { backends, registerInstructor, registerUser, startTestCampus, type TestCampus, operation } from "../support";

// Operations exactly as in schema/operations/mvp.graphql.
const CREATE_COURSE = operation("mvp", "CreateCourse");
const ADD_MODULE = operation("mvp", "AddModule");
const PUBLISH = operation("mvp", "PublishCourse");
const COURSES = operation("mvp", "Courses");
const COURSE = operation("mvp", "Course");
const ENROLL = operation("mvp", "Enroll");
const UPDATE_PROGRESS = operation("mvp", "UpdateProgress");
const ME = operation("mvp", "Me");

describe.each(backends({ kafka: true }))("MVP flow through the router (%s)", (backend) => {
  let campus: TestCampus;
  beforeAll(async () => {
    campus = await startTestCampus(backend);
  });
  afterAll(() => campus?.stop());

  async function publishedCourse(price = 0, modules = 2) {
    const instructor = await registerInstructor(campus, "Grace Hopper");
    const created = await campus.gql(
      CREATE_COURSE,
      {
        input: {
          title: `Compilers ${Date.now()}`,
          description: "From source to machine code",
          level: "BEGINNER",
          price: { amount: price, currency: "USD" },
        },
      },
      instructor.accessToken,
    );
    expect(created.errors).toBeUndefined();
    const course = created.data.createCourse;
    const moduleIds: string[] = [];
    for (let i = 1; i <= modules; i += 1) {
      const added = await campus.gql(
        ADD_MODULE,
        { courseId: course.id, input: { title: `Part ${i}` } },
        instructor.accessToken,
      );
      expect(added.data.addModule.position).toBe(i);
      moduleIds.push(added.data.addModule.id);
    }
    const published = await campus.gql(PUBLISH, { id: course.id }, instructor.accessToken);
    expect(published.data.publishCourse).toMatchObject({ id: course.id, status: "PUBLISHED" });
    return { instructor, course, moduleIds };
  }

  it("instructor: become instructor → create course → add modules → publish", async () => {
    const instructor = await registerInstructor(campus, "Ada Lovelace");
    const created = await campus.gql(
      CREATE_COURSE,
      {
        input: {
          title: "Analytical Engines",
          description: "Notes on the engine",
          level: "ADVANCED",
          price: { amount: 0, currency: "USD" },
        },
      },
      instructor.accessToken,
    );
    expect(created.errors).toBeUndefined();
    expect(created.data.createCourse).toMatchObject({
      title: "Analytical Engines",
      status: "DRAFT",
      instructor: { id: instructor.id, name: "Ada Lovelace" },
    });
    expect(created.data.createCourse.slug).toMatch(/^analytical-engines/);
    const id = created.data.createCourse.id;
    // publishing needs a module
    const early = await campus.gql(PUBLISH, { id }, instructor.accessToken);
    expect(early.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    // drafts are invisible to others
    expect((await campus.gql(COURSE, { id })).data.course).toBeNull();
    await campus.gql(
      ADD_MODULE,
      { courseId: id, input: { title: "Bernoulli numbers", summary: "Note G" } },
      instructor.accessToken,
    );
    const published = await campus.gql(PUBLISH, { id }, instructor.accessToken);
    expect(published.data.publishCourse.publishedAt).toBeTruthy();
    const anonymous = await campus.gql(COURSE, { id });
    expect(anonymous.data.course).toMatchObject({
      status: "PUBLISHED",
      modules: [{ title: "Bernoulli numbers", position: 1 }],
      enrollmentCount: 0,
      viewerEnrollment: null,
    });
  });

  it("learner: register → list courses → enroll → progress to completion (Me shows it)", async () => {
    const { course, moduleIds } = await publishedCourse();
    const learner = await registerUser(campus, "Mina Park");
    const listing = await campus.gql(COURSES, { first: 50, filter: { free: true } });
    expect(listing.errors).toBeUndefined();
    expect(listing.data.courses.edges.map((e: any) => e.node.id)).toContain(course.id);

    const enrolled = await campus.gql(ENROLL, { courseId: course.id }, learner.accessToken);
    expect(enrolled.errors).toBeUndefined();
    expect(enrolled.data.enroll).toMatchObject({
      status: "ACTIVE",
      progress: 0,
      course: { id: course.id, title: course.title },
    });
    const enrollmentId = enrolled.data.enroll.id;

    const half = await campus.gql(
      UPDATE_PROGRESS,
      { enrollmentId, moduleId: moduleIds[0], completed: true },
      learner.accessToken,
    );
    expect(half.data.updateProgress).toMatchObject({ progress: 0.5, status: "ACTIVE", completedAt: null });
    const done = await campus.gql(
      UPDATE_PROGRESS,
      { enrollmentId, moduleId: moduleIds[1], completed: true },
      learner.accessToken,
    );
    expect(done.data.updateProgress).toMatchObject({ progress: 1, status: "COMPLETED" });
    expect(done.data.updateProgress.completedAt).toBeTruthy();

    const me = await campus.gql(ME, {}, learner.accessToken);
    expect(me.errors).toBeUndefined();
    expect(me.data.me.enrollments.edges[0].node).toMatchObject({
      id: enrollmentId,
      status: "COMPLETED",
      course: { id: course.id },
    });
    const detail = await campus.gql(COURSE, { id: course.id }, learner.accessToken);
    expect(detail.data.course).toMatchObject({
      enrollmentCount: 1,
      viewerEnrollment: { id: enrollmentId, progress: 1, status: "COMPLETED" },
    });
  });

  it("bad paths give stable codes and change nothing", async () => {
    const { course, moduleIds } = await publishedCourse();
    const other = await publishedCourse();
    const paid = await publishedCourse(4900);
    const learner = await registerUser(campus);
    const intruder = await registerUser(campus);
    const first = await campus.gql(ENROLL, { courseId: course.id }, learner.accessToken);
    const enrollmentId = first.data.enroll.id;

    expect((await campus.gql(ENROLL, { courseId: course.id }, learner.accessToken)).errors?.[0]?.extensions?.code).toBe(
      "CONFLICT",
    );
    expect(
      (await campus.gql(ENROLL, { courseId: paid.course.id }, learner.accessToken)).errors?.[0]?.extensions?.code,
    ).toBe("PAYMENT_REQUIRED");
    expect((await campus.gql(ENROLL, { courseId: course.id })).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const foreign = await campus.gql(
      UPDATE_PROGRESS,
      { enrollmentId, moduleId: moduleIds[0], completed: true },
      intruder.accessToken,
    );
    expect(foreign.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const wrongModule = await campus.gql(
      UPDATE_PROGRESS,
      { enrollmentId, moduleId: other.moduleIds[0], completed: true },
      learner.accessToken,
    );
    expect(wrongModule.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    // a learner cannot author courses
    const create = await campus.gql(
      CREATE_COURSE,
      { input: { title: "Nope", description: "x", level: "BEGINNER", price: { amount: 0, currency: "USD" } } },
      learner.accessToken,
    );
    expect(create.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    // another instructor cannot edit this course
    const stranger = await registerInstructor(campus, "Stranger");
    const hijack = await campus.gql(
      ADD_MODULE,
      { courseId: course.id, input: { title: "Mine now" } },
      stranger.accessToken,
    );
    expect(hijack.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

    const detail = await campus.gql(COURSE, { id: course.id }, learner.accessToken);
    expect(detail.data.course).toMatchObject({
      enrollmentCount: 1,
      viewerEnrollment: { id: enrollmentId, progress: 0 },
    });
    expect(detail.data.course.modules).toHaveLength(2);
  });
});
