import { randomUUID } from "node:crypto";
import type { Viewer } from "@campus/auth";
import {
  enrollmentCancelled,
  enrollmentCompleted,
  enrollmentCreated,
  parseEvent,
  type CourseSnapshot,
} from "@campus/events";
import { LoaderRegistry } from "@campus/subgraph";
import { startSubgraph, type SubgraphHarness } from "@campus/testkit";
import { PrismaClient } from "./data/catalog.prisma";
import { CourseWrites } from "./data/course.writes";
import { courseSnapshot } from "./events/course.publisher";
import { subgraph, type CatalogServices } from "./index";

const admin: Viewer = { userId: randomUUID(), roles: ["LEARNER", "ADMIN"] };
const anonymous: Viewer = { userId: null, roles: [] };
const newInstructor = (): Viewer => ({ userId: randomUUID(), roles: ["LEARNER", "INSTRUCTOR"] });

const CREATE = `mutation CreateCourse($input: CreateCourseInput!) {
  createCourse(input: $input) { id title slug status instructor { id } } }`;
const ADD_MODULE = `mutation AddModule($courseId: ID!, $input: AddModuleInput!) {
  addModule(courseId: $courseId, input: $input) { id title position } }`;
const PUBLISH = `mutation PublishCourse($id: ID!) { publishCourse(id: $id) { id status publishedAt } }`;
const COURSES = `query Courses($first: Int, $after: String, $filter: CourseFilter) {
  courses(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { cursor node { id title slug level status price { amount currency } instructor { id } category { id name } modules { id position } } }
    pageInfo { hasNextPage endCursor } } }`;
const COURSE = `query Course($id: ID!) {
  course(id: $id) { id title description status publishedAt updatedAt modules { id title position } instructor { id } } }`;

interface GraphQLResult<T = Record<string, any>> {
  data?: T;
  errors?: { message: string; extensions: { code: string; field?: string } }[];
}

let h: SubgraphHarness<CatalogServices>;
let catalog: CatalogServices;

beforeAll(async () => {
  h = await startSubgraph(subgraph);
  catalog = h.services;
});

afterAll(() => h?.stop());

const gql = <T = Record<string, any>>(viewer: Viewer, query: string, variables: Record<string, unknown> = {}) =>
  h.gql<T>(viewer, query, variables) as Promise<GraphQLResult<T>>;

/** Returns data, failing the test with the errors when there are any. */
async function ok(viewer: Viewer, query: string, variables: Record<string, unknown> = {}) {
  const result = await gql(viewer, query, variables);
  expect(result.errors).toBeUndefined();
  return result.data!;
}

const errorOf = (result: GraphQLResult) => result.errors?.[0]?.extensions;

const courseInput = (title: string, extra: Record<string, unknown> = {}) => ({
  title,
  description: `All about ${title}.`,
  level: "BEGINNER",
  price: { amount: 1000, currency: "EUR" },
  ...extra,
});

/** A published course with `modules` modules, made through the service as a seed script would. */
async function publishedCourse(viewer: Viewer, title: string, extra: Record<string, unknown> = {}, modules = 1) {
  const course = await catalog.courses.createCourse(viewer, courseInput(title, extra) as never);
  for (let n = 1; n <= modules; n += 1) await catalog.courses.addModule(viewer, course.id, { title: `Part ${n}` });
  return catalog.courses.publishCourse(viewer, course.id);
}

const BY_SLUG = `query($slug: String!) { courseBySlug(slug: $slug) { id } }`;
const newLearner = (): Viewer => ({ userId: randomUUID(), roles: ["LEARNER"] });

/** Publishes an enrollment event as enrollment's relay would; returns the enrollment id. */
async function enrollmentEvent(
  definition: typeof enrollmentCreated,
  learner: Viewer,
  courseId: string,
  status: "ACTIVE" | "COMPLETED" | "CANCELLED",
  enrollmentId: string = randomUUID(),
) {
  const data = { enrollmentId, userId: learner.userId!, courseId, status, progress: status === "COMPLETED" ? 1 : 0 };
  await h.publish([{ topic: definition.topic, event: definition.create("/campus/enrollment", enrollmentId, data) }]);
  return enrollmentId;
}

/** Waits until catalog's course-learners consumer has applied everything published so far. */
async function untilLearnersApplied() {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const health = await h.events.health();
    const consumer = (health.consumers as Record<string, { lag: number }>)["catalog.course-learners"];
    if (consumer && consumer.lag === 0) return;
    if (Date.now() > deadline) throw new Error("catalog.course-learners did not catch up");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const listIds = async (viewer: Viewer, filter: Record<string, unknown>, first = 50) =>
  ((await ok(viewer, COURSES, { first, filter })).courses.edges as { node: { id: string } }[]).map(
    (edge) => edge.node.id,
  );

describe("authoring a course", () => {
  it("creates a draft, adds modules in order, publishes, and lists it", async () => {
    const teacher = newInstructor();
    const created = (await ok(teacher, CREATE, { input: courseInput("GraphQL Federation in Depth") })).createCourse;
    expect(created).toMatchObject({
      title: "GraphQL Federation in Depth",
      slug: "graphql-federation-in-depth",
      status: "DRAFT",
    });
    expect(created.instructor).toEqual({ id: teacher.userId });

    const first = (await ok(teacher, ADD_MODULE, { courseId: created.id, input: { title: "Entities" } })).addModule;
    const second = (await ok(teacher, ADD_MODULE, { courseId: created.id, input: { title: "Keys", summary: "@key" } }))
      .addModule;
    expect([first.position, second.position]).toEqual([1, 2]);

    const published = (await ok(teacher, PUBLISH, { id: created.id })).publishCourse;
    expect(published.status).toBe("PUBLISHED");
    expect(Date.parse(published.publishedAt)).not.toBeNaN();
    // publishing again is a no-op that keeps the first publication date
    expect((await ok(teacher, PUBLISH, { id: created.id })).publishCourse.publishedAt).toBe(published.publishedAt);

    const listing = (await ok(anonymous, COURSES, { filter: { instructorId: teacher.userId } })).courses;
    expect(listing.totalCount).toBe(1);
    expect(listing.edges[0].node).toMatchObject({
      id: created.id,
      price: { amount: 1000, currency: "EUR" },
      modules: [
        { id: first.id, position: 1 },
        { id: second.id, position: 2 },
      ],
    });
  });

  it("derives unique slugs that stay put when the title changes", async () => {
    const teacher = newInstructor();
    const a = await catalog.courses.createCourse(teacher, courseInput("Slug Collision Course") as never);
    const b = await catalog.courses.createCourse(teacher, courseInput("Slug: Collision course!") as never);
    const c = await catalog.courses.createCourse(teacher, courseInput("slug collision COURSE") as never);
    expect([a.slug, b.slug, c.slug]).toEqual([
      "slug-collision-course",
      "slug-collision-course-2",
      "slug-collision-course-3",
    ]);
    const renamed = await catalog.courses.updateCourse(teacher, b.id, { title: "Something else entirely" });
    expect(renamed.slug).toBe("slug-collision-course-2");
  });

  it("refuses a course without modules, bad input, strangers and unknown ids with stable codes", async () => {
    const teacher = newInstructor();
    const course = (await ok(teacher, CREATE, { input: courseInput("Empty Course") })).createCourse;
    expect(errorOf(await gql(teacher, PUBLISH, { id: course.id }))).toMatchObject({ code: "BAD_USER_INPUT" });

    const badPrice = await gql(teacher, CREATE, {
      input: courseInput("Bad price", { price: { amount: 5, currency: "eur" } }),
    });
    expect(errorOf(badPrice)).toEqual({ code: "BAD_USER_INPUT", field: "price.currency" });
    expect(errorOf(await gql(teacher, CREATE, { input: courseInput("ab") }))).toEqual({
      code: "BAD_USER_INPUT",
      field: "title",
    });
    expect(errorOf(await gql(teacher, CREATE, { input: courseInput("No seats", { capacity: 0 }) }))).toMatchObject({
      field: "capacity",
    });

    const stranger = newInstructor();
    const addByStranger = await gql(stranger, ADD_MODULE, { courseId: course.id, input: { title: "Hijack" } });
    expect(errorOf(addByStranger)).toMatchObject({ code: "FORBIDDEN" });
    // admins may edit anyone's course
    expect(
      (await ok(admin, ADD_MODULE, { courseId: course.id, input: { title: "By admin" } })).addModule.position,
    ).toBe(1);

    expect(errorOf(await gql(teacher, PUBLISH, { id: randomUUID() }))).toMatchObject({ code: "NOT_FOUND" });
    expect(errorOf(await gql(teacher, PUBLISH, { id: "not-a-uuid" }))).toMatchObject({ code: "NOT_FOUND" });
    // learners are stopped by the root RBAC before the service
    const learner: Viewer = { userId: randomUUID(), roles: ["LEARNER"] };
    expect(errorOf(await gql(learner, CREATE, { input: courseInput("Learner course") }))).toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("never re-publishes an archived course", async () => {
    const teacher = newInstructor();
    const course = await publishedCourse(teacher, "Short Lived");
    await catalog.courses.archiveCourse(teacher, course.id);
    expect(errorOf(await gql(teacher, PUBLISH, { id: course.id }))).toMatchObject({ code: "CONFLICT" });
  });

  it("creates categories for admins only, refusing duplicates", async () => {
    const created = (await ok(admin, `mutation { createCategory(name: "Data Science") { id name slug } }`))
      .createCategory;
    expect(created).toMatchObject({ name: "Data Science", slug: "data-science" });
    expect(errorOf(await gql(admin, `mutation { createCategory(name: "data  science") { id } }`))).toMatchObject({
      code: "CONFLICT",
    });
    expect(errorOf(await gql(newInstructor(), `mutation { createCategory(name: "Mine") { id } }`))).toMatchObject({
      code: "FORBIDDEN",
    });
    const names = (await ok(anonymous, `{ categories { name } }`)).categories.map((c: { name: string }) => c.name);
    expect(names).toContain("Data Science");
  });
});

describe("visibility", () => {
  it("shows drafts only to their instructor and admins, by id, by slug and in listings", async () => {
    const teacher = newInstructor();
    const draft = await catalog.courses.createCourse(teacher, courseInput("Secret Draft") as never);
    const bySlug = `query($slug: String!) { courseBySlug(slug: $slug) { id } }`;

    expect((await ok(anonymous, COURSE, { id: draft.id })).course).toBeNull();
    expect((await ok(newInstructor(), COURSE, { id: draft.id })).course).toBeNull();
    expect((await ok(anonymous, bySlug, { slug: draft.slug })).courseBySlug).toBeNull();
    expect((await ok(teacher, COURSE, { id: draft.id })).course.id).toBe(draft.id);
    expect((await ok(admin, bySlug, { slug: draft.slug })).courseBySlug.id).toBe(draft.id);

    expect(await listIds(anonymous, { instructorId: teacher.userId })).toEqual([]);
    expect(await listIds(anonymous, { instructorId: teacher.userId, status: "DRAFT" })).toEqual([]);
    expect(await listIds(teacher, { instructorId: teacher.userId })).toEqual([draft.id]);
    expect(await listIds(teacher, { instructorId: teacher.userId, status: "PUBLISHED" })).toEqual([]);
    expect(await listIds(admin, { instructorId: teacher.userId, status: "DRAFT" })).toEqual([draft.id]);
  });

  it("takes archived courses out of the listing and keeps them readable only to editors and learners", async () => {
    const teacher = newInstructor();
    const enrolled = newLearner();
    const finished = newLearner();
    const stranger = newLearner();
    const course = await publishedCourse(teacher, "Retiring Course");
    await enrollmentEvent(enrollmentCreated, enrolled, course.id, "ACTIVE");
    const finishing = await enrollmentEvent(enrollmentCreated, finished, course.id, "ACTIVE");
    await enrollmentEvent(enrollmentCompleted, finished, course.id, "COMPLETED", finishing);
    expect(await listIds(anonymous, { instructorId: teacher.userId })).toEqual([course.id]);
    await catalog.courses.archiveCourse(teacher, course.id);
    await untilLearnersApplied();

    expect(await listIds(anonymous, { instructorId: teacher.userId })).toEqual([]);
    expect(await listIds(enrolled, { instructorId: teacher.userId })).toEqual([]);
    expect(await listIds(teacher, { instructorId: teacher.userId, status: "ARCHIVED" })).toEqual([course.id]);
    for (const viewer of [teacher, admin, enrolled, finished]) {
      expect((await ok(viewer, COURSE, { id: course.id })).course.status).toBe("ARCHIVED");
      expect((await ok(viewer, BY_SLUG, { slug: course.slug })).courseBySlug.id).toBe(course.id);
    }
    for (const viewer of [anonymous, stranger, newInstructor()]) {
      expect((await ok(viewer, COURSE, { id: course.id })).course).toBeNull();
      expect((await ok(viewer, BY_SLUG, { slug: course.slug })).courseBySlug).toBeNull();
    }
  });

  it("stops showing an archived course to a learner who cancelled, and again after re-enrolling", async () => {
    const teacher = newInstructor();
    const leaver = newLearner();
    const course = await publishedCourse(teacher, "Left Course");
    await catalog.courses.archiveCourse(teacher, course.id);
    const enrollmentId = await enrollmentEvent(enrollmentCreated, leaver, course.id, "ACTIVE");
    await enrollmentEvent(enrollmentCancelled, leaver, course.id, "CANCELLED", enrollmentId);
    await untilLearnersApplied();
    expect((await ok(leaver, COURSE, { id: course.id })).course).toBeNull();
    expect((await ok(leaver, BY_SLUG, { slug: course.slug })).courseBySlug).toBeNull();

    // An event older than the cancel, arriving late under its own id, does not roll the cancel back (eventTime).
    const stale = enrollmentCreated.create("/campus/enrollment", enrollmentId, {
      enrollmentId,
      userId: leaver.userId!,
      courseId: course.id,
      status: "ACTIVE",
      progress: 0,
    });
    await h.publish([{ topic: enrollmentCreated.topic, event: { ...stale, time: "2020-01-01T00:00:00.000Z" } }]);
    await untilLearnersApplied();
    expect((await ok(leaver, COURSE, { id: course.id })).course).toBeNull();

    await enrollmentEvent(enrollmentCreated, leaver, course.id, "ACTIVE", enrollmentId);
    await untilLearnersApplied();
    expect((await ok(leaver, COURSE, { id: course.id })).course.id).toBe(course.id);
  });

  it("looks up the viewer's learner facts in one query for many archived courses", async () => {
    const teacher = newInstructor();
    const learner = newLearner();
    const ids: string[] = [];
    for (const title of ["Batch A", "Batch B", "Batch C"]) {
      const course = await publishedCourse(teacher, title);
      await enrollmentEvent(enrollmentCreated, learner, course.id, "ACTIVE");
      await catalog.courses.archiveCourse(teacher, course.id);
      ids.push(course.id);
    }
    await untilLearnersApplied();
    const query = `query($a: ID!, $b: ID!, $c: ID!) { a: course(id: $a) { id } b: course(id: $b) { id } c: course(id: $c) { id } }`;
    await ok(learner, query, { a: ids[0], b: ids[1], c: ids[2] }); // warms the course cache
    h.db.queries.reset();
    const data = await ok(learner, query, { a: ids[0], b: ids[1], c: ids[2] });
    expect([data.a.id, data.b.id, data.c.id]).toEqual(ids);
    expect(h.db.queries.total).toBe(1);
  });

  it("reports the course-learners consumer in /health/ready", async () => {
    const response = await fetch(h.url.replace(/\/graphql$/, "/health/ready"));
    const body = (await response.json()) as { events: { consumers: Record<string, { processed: number }> } };
    expect(response.status).toBe(200);
    expect(body.events.consumers["catalog.course-learners"]).toMatchObject({ retries: 0, deadLetters: 0 });
    expect(body.events.consumers["catalog.course-learners"]!.processed).toBeGreaterThan(0);
  });

  it("resolves references to courses of any status, in one batch, without leaking draft content", async () => {
    const teacher = newInstructor();
    const draft = await catalog.courses.createCourse(teacher, courseInput("Referenced Draft") as never);
    const archived = await publishedCourse(teacher, "Referenced Archived");
    await catalog.courses.archiveCourse(teacher, archived.id);
    const published = await publishedCourse(teacher, "Referenced Published");
    const query = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Course { id status title } } }`;
    const reps = [draft, archived, published].map((c) => ({ __typename: "Course", id: c.id }));

    h.db.queries.reset();
    const entities = (await ok(anonymous, query, { reps }))._entities;
    expect(entities.map((e: { status: string }) => e.status)).toEqual(["DRAFT", "ARCHIVED", "PUBLISHED"]);
    expect(h.db.queries.total).toBeLessThanOrEqual(2); // courses + their modules, not one per reference

    const content = await gql(
      anonymous,
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Course { description } } }`,
      {
        reps: [{ __typename: "Course", id: draft.id }],
      },
    );
    expect(errorOf(content)).toMatchObject({ code: "FORBIDDEN" });
  });

  it("resolves references to modules with their course, in one batch; unknown ids are null", async () => {
    const teacher = newInstructor();
    const draft = await catalog.courses.createCourse(teacher, courseInput("Module Draft") as never);
    const [module] = [await catalog.courses.addModule(teacher, draft.id, { title: "Only part" })];
    const published = await publishedCourse(teacher, "Module Published", {}, 2);
    const modules = await catalog.courses.modulesOf(new LoaderRegistry(), published);
    const query = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Module { id title course { id status instructor { id } } } } }`;
    const ids = [module!.id, modules[1]!.id, randomUUID()];
    const entities = (await ok(anonymous, query, { reps: ids.map((id) => ({ __typename: "Module", id })) }))._entities;
    expect(entities).toEqual([
      {
        id: module!.id,
        title: "Only part",
        course: { id: draft.id, status: "DRAFT", instructor: { id: teacher.userId } },
      },
      {
        id: modules[1]!.id,
        title: "Part 2",
        course: { id: published.id, status: "PUBLISHED", instructor: { id: teacher.userId } },
      },
      null,
    ]);
  });
});

describe("listing", () => {
  it("filters by category, level, price and instructor; odd ids give an empty page", async () => {
    const teacher = newInstructor();
    const category = await catalog.courses.createCategory(admin, `Filters ${randomUUID().slice(0, 8)}`);
    const free = await publishedCourse(teacher, "Free Beginner", { price: { amount: 0, currency: "EUR" } });
    const cheap = await publishedCourse(teacher, "Cheap Advanced", {
      level: "ADVANCED",
      categoryId: category.id,
      price: { amount: 500, currency: "EUR" },
    });
    const pricey = await publishedCourse(teacher, "Pricey Intermediate", {
      level: "INTERMEDIATE",
      categoryId: category.id,
      price: { amount: 9900, currency: "EUR" },
    });
    const mine = { instructorId: teacher.userId };

    expect(await listIds(anonymous, mine)).toEqual([pricey.id, cheap.id, free.id]);
    expect(await listIds(anonymous, { ...mine, free: true })).toEqual([free.id]);
    expect(await listIds(anonymous, { ...mine, free: false })).toEqual([pricey.id, cheap.id]);
    expect(await listIds(anonymous, { ...mine, maxPrice: 500 })).toEqual([cheap.id, free.id]);
    expect(await listIds(anonymous, { ...mine, free: false, maxPrice: 500 })).toEqual([cheap.id]);
    expect(await listIds(anonymous, { ...mine, level: "INTERMEDIATE" })).toEqual([pricey.id]);
    expect(await listIds(anonymous, { categoryId: category.id })).toEqual([pricey.id, cheap.id]);

    const listing = (await ok(anonymous, COURSES, { filter: { categoryId: category.id } })).courses;
    expect(listing.edges[0].node.category).toEqual({ id: category.id, name: category.name });

    for (const filter of [{ categoryId: "nope" }, { instructorId: "1; DROP TABLE" }, { categoryId: randomUUID() }]) {
      const page = (await ok(anonymous, COURSES, { filter })).courses;
      expect(page).toMatchObject({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
    }
    expect(errorOf(await gql(anonymous, COURSES, { after: "garbage" }))).toMatchObject({ code: "BAD_USER_INPUT" });
  });

  it("pages by keyset: rows inserted between pages cause no repeats and no skips", async () => {
    const teacher = newInstructor();
    const original: string[] = [];
    for (let n = 1; n <= 5; n += 1) original.unshift((await publishedCourse(teacher, `Paged Course ${n}`)).id);
    const filter = { instructorId: teacher.userId };

    const page1 = (await ok(anonymous, COURSES, { first: 2, filter })).courses;
    expect(page1.totalCount).toBe(5);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    await publishedCourse(teacher, "Inserted While Paging A");
    const page2 = (await ok(anonymous, COURSES, { first: 2, after: page1.pageInfo.endCursor, filter })).courses;
    await publishedCourse(teacher, "Inserted While Paging B");
    const page3 = (await ok(anonymous, COURSES, { first: 2, after: page2.pageInfo.endCursor, filter })).courses;

    const seen = [page1, page2, page3].flatMap((page) =>
      page.edges.map((edge: { node: { id: string } }) => edge.node.id),
    );
    expect(seen).toEqual(original);
    expect(page3.pageInfo.hasNextPage).toBe(false);
    expect(page3.totalCount).toBe(7);
  });

  it("costs the same number of SQL queries for 50 courses as for 5", async () => {
    const teacher = newInstructor();
    const category = await catalog.courses.createCategory(admin, `Batching ${randomUUID().slice(0, 8)}`);
    for (let n = 1; n <= 50; n += 1)
      await publishedCourse(teacher, `Batched Course ${n}`, { categoryId: category.id }, 2);

    const cost = async (first: number) => {
      h.db.queries.reset();
      const page = (await ok(anonymous, COURSES, { first, filter: { instructorId: teacher.userId } })).courses;
      expect(page.edges).toHaveLength(first);
      expect(
        page.edges.every(
          (edge: { node: { modules: unknown[]; category: unknown } }) =>
            edge.node.modules.length === 2 && edge.node.category,
        ),
      ).toBe(true);
      return h.db.queries.total;
    };
    const five = await cost(5);
    expect(five).toBeGreaterThan(0);
    expect(await cost(50)).toBe(five);
  });
});

describe("modules", () => {
  const REORDER = `mutation($courseId: ID!, $ids: [ID!]!) { reorderModules(courseId: $courseId, moduleIds: $ids) { modules { id position } } }`;
  const REMOVE = `mutation($id: ID!) { removeModule(moduleId: $id) { modules { id position } } }`;

  it("reorders and removes while keeping positions 1..n", async () => {
    const teacher = newInstructor();
    const course = await catalog.courses.createCourse(teacher, courseInput("Module Shuffle") as never);
    const ids: string[] = [];
    for (const title of ["A", "B", "C", "D"])
      ids.push((await catalog.courses.addModule(teacher, course.id, { title })).id);

    const reordered = (await ok(teacher, REORDER, { courseId: course.id, ids: [ids[3], ids[1], ids[0], ids[2]] }))
      .reorderModules;
    expect(reordered.modules).toEqual([
      { id: ids[3], position: 1 },
      { id: ids[1], position: 2 },
      { id: ids[0], position: 3 },
      { id: ids[2], position: 4 },
    ]);
    for (const bad of [
      [ids[0], ids[1], ids[2]],
      [ids[0], ids[0], ids[1], ids[2]],
      [...ids.slice(0, 3), randomUUID()],
    ]) {
      expect(errorOf(await gql(teacher, REORDER, { courseId: course.id, ids: bad }))).toEqual({
        code: "BAD_USER_INPUT",
        field: "moduleIds",
      });
    }

    const removed = (await ok(teacher, REMOVE, { id: ids[1] })).removeModule;
    expect(removed.modules).toEqual([
      { id: ids[3], position: 1 },
      { id: ids[0], position: 2 },
      { id: ids[2], position: 3 },
    ]);
    const appended = await catalog.courses.addModule(teacher, course.id, { title: "E" });
    expect(appended.position).toBe(4);
    expect(errorOf(await gql(newInstructor(), REMOVE, { id: ids[0] }))).toMatchObject({ code: "FORBIDDEN" });
    expect(errorOf(await gql(teacher, REMOVE, { id: randomUUID() }))).toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("course cache", () => {
  const readCourse = async (viewer: Viewer, id: string) => (await ok(viewer, COURSE, { id })).course;
  const moduleTitles = (course: { modules: { title: string }[] }) => course.modules.map((m) => m.title);

  it("serves repeat reads from the cache with dates intact", async () => {
    const teacher = newInstructor();
    const course = await publishedCourse(teacher, "Cached Course");
    const before = catalog.cache.stats();
    const first = await readCourse(anonymous, course.id);
    const second = await readCourse(anonymous, course.id);
    expect(second).toEqual(first);
    expect(second.publishedAt).toBe(course.publishedAt!.toISOString());
    const after = catalog.cache.stats();
    expect(after.misses - before.misses).toBe(1);
    expect(after.hits - before.hits).toBe(1);
    // dates come back as Dates, not strings, for callers inside the process
    const cached = await catalog.courses.course(anonymous, new LoaderRegistry(), course.id);
    expect(cached?.createdAt).toBeInstanceOf(Date);
    expect(cached?.modules?.[0]?.createdAt).toBeInstanceOf(Date);
  });

  it("never serves a stale course after a write to it or its modules", async () => {
    const teacher = newInstructor();
    const course = await catalog.courses.createCourse(teacher, courseInput("Fresh Course") as never);
    const warm = () => readCourse(teacher, course.id);
    const hitsBefore = catalog.cache.stats().hits;

    await warm();
    await ok(teacher, `mutation($id: ID!) { updateCourse(id: $id, input: { title: "Fresher Course" }) { id } }`, {
      id: course.id,
    });
    expect((await warm()).title).toBe("Fresher Course");

    await warm();
    const module = (await ok(teacher, ADD_MODULE, { courseId: course.id, input: { title: "One" } })).addModule;
    expect(moduleTitles(await warm())).toEqual(["One"]);

    await warm();
    const two = await catalog.courses.addModule(teacher, course.id, { title: "Two" });
    expect(moduleTitles(await warm())).toEqual(["One", "Two"]);

    await warm();
    await ok(teacher, `mutation($id: ID!) { renameModule(moduleId: $id, title: "Uno") { id } }`, { id: module.id });
    expect(moduleTitles(await warm())).toEqual(["Uno", "Two"]);

    await warm();
    await catalog.courses.reorderModules(teacher, course.id, [two.id, module.id]);
    expect(moduleTitles(await warm())).toEqual(["Two", "Uno"]);

    await warm();
    await catalog.courses.removeModule(teacher, two.id);
    expect(moduleTitles(await warm())).toEqual(["Uno"]);

    await warm();
    await ok(teacher, PUBLISH, { id: course.id });
    expect((await warm()).status).toBe("PUBLISHED");
    expect((await readCourse(anonymous, course.id)).title).toBe("Fresher Course");

    await warm();
    await catalog.courses.archiveCourse(teacher, course.id);
    expect((await warm()).status).toBe("ARCHIVED");

    // the reads above really went through the cache, so a missing invalidation would have shown
    expect(catalog.cache.stats().hits - hitsBefore).toBeGreaterThanOrEqual(8);
  });
});

describe("course events", () => {
  interface Emitted {
    type: string;
    data: Required<CourseSnapshot> & { moduleId?: string };
  }

  /** The course's events in the outbox, in commit order, each read back through its contract. */
  async function eventsOf(courseId: string): Promise<Emitted[]> {
    const rows = await h.db.query<{ event: unknown }>(
      `SELECT "event" FROM "catalog"."OutboxEvent" WHERE "subject" = $1 ORDER BY "seq"`,
      [courseId],
    );
    return rows.map((row) => {
      const raw = typeof row.event === "string" ? JSON.parse(row.event) : row.event;
      const event = parseEvent(raw);
      return { type: event.type.replace(/^campus\.course\.|\.v1$/g, ""), data: event.data as Emitted["data"] };
    });
  }
  const last = async (courseId: string) => (await eventsOf(courseId)).at(-1)!;
  const rowOf = async (id: string) =>
    (
      await h.db.query<{ updatedAt: Date | string; publishedAt: Date | string | null }>(
        `SELECT "updatedAt", "publishedAt" FROM "catalog"."Course" WHERE "id" = $1`,
        [id],
      )
    )[0]!;
  const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

  it("carry the texts, level, language, category, module titles and dates search indexes", async () => {
    const teacher = newInstructor();
    const category = await catalog.courses.createCategory(admin, `Indexed ${randomUUID().slice(0, 8)}`);
    const course = await catalog.courses.createCourse(
      teacher,
      courseInput("Searchable Course", { level: "ADVANCED", language: "pt-BR", categoryId: category.id }) as never,
    );
    const created = await last(course.id);
    expect(created.type).toBe("created");
    expect(created.data).toEqual({
      courseId: course.id,
      revision: 1,
      instructorId: teacher.userId,
      title: "Searchable Course",
      slug: course.slug,
      status: "DRAFT",
      price: { amount: 1000, currency: "EUR" },
      capacity: null,
      moduleIds: [],
      description: "All about Searchable Course.",
      level: "ADVANCED",
      language: "pt-BR",
      category: { id: category.id, name: category.name },
      modules: [],
      publishedAt: null,
      updatedAt: iso((await rowOf(course.id)).updatedAt),
    });

    const one = await catalog.courses.addModule(teacher, course.id, { title: "Basics" });
    const two = await catalog.courses.addModule(teacher, course.id, { title: "Depth" });
    expect((await last(course.id)).data.modules).toEqual([
      { id: one.id, title: "Basics" },
      { id: two.id, title: "Depth" },
    ]);

    const published = await catalog.courses.publishCourse(teacher, course.id);
    const publishedEvent = await last(course.id);
    expect(publishedEvent.type).toBe("published");
    expect(publishedEvent.data).toMatchObject({
      status: "PUBLISHED",
      publishedAt: published.publishedAt!.toISOString(),
      updatedAt: published.updatedAt.toISOString(),
      category: { id: category.id, name: category.name },
      description: "All about Searchable Course.",
    });
    const row = await rowOf(course.id);
    expect([publishedEvent.data.publishedAt, publishedEvent.data.updatedAt]).toEqual([
      iso(row.publishedAt),
      iso(row.updatedAt),
    ]);

    await catalog.courses.updateCourse(teacher, course.id, {
      description: "Now with more depth.",
      level: "INTERMEDIATE",
      language: "en",
    });
    expect((await last(course.id)).data).toMatchObject({
      description: "Now with more depth.",
      level: "INTERMEDIATE",
      language: "en",
      category: { id: category.id, name: category.name },
      publishedAt: published.publishedAt!.toISOString(),
    });

    await catalog.courses.archiveCourse(teacher, course.id);
    const archived = await last(course.id);
    expect(archived.type).toBe("archived");
    expect(archived.data).toMatchObject({
      status: "ARCHIVED",
      category: { id: category.id, name: category.name },
      modules: [
        { id: one.id, title: "Basics" },
        { id: two.id, title: "Depth" },
      ],
      updatedAt: iso((await rowOf(course.id)).updatedAt),
    });

    // every event of the course sets every field, the optional additions too
    for (const event of await eventsOf(course.id)) {
      for (const field of ["description", "level", "language", "category", "modules", "publishedAt", "updatedAt"]) {
        expect({ type: event.type, field, set: field in event.data }).toEqual({ type: event.type, field, set: true });
      }
      expect(event.data.modules.map((module) => module.id)).toEqual(event.data.moduleIds);
    }
  });

  it("show a renamed module's new title, and modules in the course's order after a reorder or removal", async () => {
    const teacher = newInstructor();
    const course = await catalog.courses.createCourse(teacher, courseInput("Renamed Modules") as never);
    const ids: string[] = [];
    for (const title of ["Alpha", "Beta", "Gamma"])
      ids.push((await catalog.courses.addModule(teacher, course.id, { title })).id);

    await ok(teacher, `mutation($id: ID!) { renameModule(moduleId: $id, title: "Alpha, revised") { id } }`, {
      id: ids[0],
    });
    const renamed = await last(course.id);
    expect(renamed.type).toBe("module_renamed");
    expect(renamed.data.moduleId).toBe(ids[0]);
    expect(renamed.data.modules).toEqual([
      { id: ids[0], title: "Alpha, revised" },
      { id: ids[1], title: "Beta" },
      { id: ids[2], title: "Gamma" },
    ]);

    await catalog.courses.updateCourse(teacher, course.id, { title: "Renamed Modules, Second Edition" });
    const next = await last(course.id);
    expect(next.type).toBe("updated");
    expect(next.data.modules[0]).toEqual({ id: ids[0], title: "Alpha, revised" });

    await catalog.courses.reorderModules(teacher, course.id, [ids[2]!, ids[0]!, ids[1]!]);
    const reordered = await last(course.id);
    expect(reordered.type).toBe("modules_reordered");
    expect(reordered.data.moduleIds).toEqual([ids[2], ids[0], ids[1]]);
    expect(reordered.data.modules).toEqual([
      { id: ids[2], title: "Gamma" },
      { id: ids[0], title: "Alpha, revised" },
      { id: ids[1], title: "Beta" },
    ]);

    await catalog.courses.removeModule(teacher, ids[0]!);
    const removed = await last(course.id);
    expect(removed.type).toBe("module_removed");
    expect(removed.data.modules).toEqual([
      { id: ids[2], title: "Gamma" },
      { id: ids[1], title: "Beta" },
    ]);
  });

  it("name the category as it is after the write, and null when the course has none", async () => {
    const teacher = newInstructor();
    const course = await catalog.courses.createCourse(teacher, courseInput("Uncategorised") as never);
    expect((await last(course.id)).data.category).toBeNull();
    await catalog.courses.addModule(teacher, course.id, { title: "Only" });
    expect((await last(course.id)).data.category).toBeNull();
    await catalog.courses.publishCourse(teacher, course.id);
    expect((await last(course.id)).data).toMatchObject({ category: null, status: "PUBLISHED" });

    const first = await catalog.courses.createCategory(admin, `First ${randomUUID().slice(0, 8)}`);
    const second = await catalog.courses.createCategory(admin, `Second ${randomUUID().slice(0, 8)}`);
    await catalog.courses.updateCourse(teacher, course.id, { categoryId: first.id });
    expect((await last(course.id)).data.category).toEqual({ id: first.id, name: first.name });
    await catalog.courses.updateCourse(teacher, course.id, { categoryId: second.id, title: "Categorised" });
    expect((await last(course.id)).data).toMatchObject({
      title: "Categorised",
      category: { id: second.id, name: second.name },
    });
    await catalog.courses.addModule(teacher, course.id, { title: "Another" });
    expect((await last(course.id)).data.category).toEqual({ id: second.id, name: second.name });
    await catalog.courses.updateCourse(teacher, course.id, { categoryId: null });
    expect((await last(course.id)).data.category).toBeNull();
  });

  it("name the category without a statement of their own", async () => {
    const teacher = newInstructor();
    const category = await catalog.courses.createCategory(admin, `Counted ${randomUUID().slice(0, 8)}`);
    const statements = async (write: () => Promise<unknown>) => {
      await h.settle();
      h.db.queries.reset();
      await write();
      return h.db.queries.total;
    };
    const costs = async (categoryId: string | null) => {
      const course = await catalog.courses.createCourse(teacher, courseInput("Costed", { categoryId }) as never);
      const add = await statements(() => catalog.courses.addModule(teacher, course.id, { title: "One" }));
      const update = await statements(() => catalog.courses.updateCourse(teacher, course.id, { title: "Costed!" }));
      const publish = await statements(() => catalog.courses.publishCourse(teacher, course.id));
      const archive = await statements(() => catalog.courses.archiveCourse(teacher, course.id));
      expect((await last(course.id)).data.category).toEqual(
        categoryId ? { id: category.id, name: category.name } : null,
      );
      return { add, update, publish, archive };
    };
    // the course without a category reads none; the one with must cost the same
    expect(await costs(category.id)).toEqual(await costs(null));
  });

  it("read the category when the rows at hand are not the course's (one made after the lock's snapshot)", async () => {
    const teacher = newInstructor();
    const [mine, other] = [
      await catalog.courses.createCategory(admin, `Mine ${randomUUID().slice(0, 8)}`),
      await catalog.courses.createCategory(admin, `Other ${randomUUID().slice(0, 8)}`),
    ];
    const course = await catalog.courses.createCourse(teacher, courseInput("Raced", { categoryId: mine.id }) as never);
    const prisma = new PrismaClient({ adapter: h.db.adapter });
    try {
      const writes = new CourseWrites(prisma);
      expect(await writes.categoryOf(course, null, other)).toEqual({ id: mine.id, name: mine.name });
      expect(await writes.categoryOf({ ...course, categoryId: null }, other)).toBeNull();
      // and the publisher refuses to name a category that is not the course's
      expect(() => courseSnapshot(course, other, [])).toThrow(/category/);
    } finally {
      await prisma.$disconnect();
    }
  });
});
