import { readFileSync } from "node:fs";
import { Kind, parse } from "graphql";
import { SUPERGRAPH_PATH } from "@campus/router";
import {
  backends,
  registerAdmin,
  registerInstructor,
  registerUser,
  settleEvents,
  startTestCampus,
  type GraphQLResult,
  type TestCampus,
  type TestUser,
  operation,
} from "../support";

/**
 * Who may call what, through the router, for every root field of the composed
 * supergraph. Each operation is called as each role; an allowed call must
 * really succeed, a denied one must answer UNAUTHENTICATED (anonymous) or
 * FORBIDDEN (signed in) and leave every table of every subgraph as it was.
 *
 * "instructor" owns every course, module and enrollment course involved;
 * "otherInstructor" is an instructor who owns none of them. Where a call
 * destroys or changes its own fixture (logout, changePassword, disableUser,
 * publish, archive…), each call gets a fresh one.
 */
const ROLES = ["anonymous", "learner", "instructor", "otherInstructor", "admin"] as const;
type Role = (typeof ROLES)[number];

const EVERYONE: readonly Role[] = ROLES;
const SIGNED_IN: readonly Role[] = ["learner", "instructor", "otherInstructor", "admin"];
const INSTRUCTORS: readonly Role[] = ["instructor", "otherInstructor", "admin"];
const OWNER_OR_ADMIN: readonly Role[] = ["instructor", "admin"];
const LEARNER_OR_ADMIN: readonly Role[] = ["learner", "admin"];
const LEARNER_ONLY: readonly Role[] = ["learner"];
const ADMIN_ONLY: readonly Role[] = ["admin"];
/** An archived course: its instructor, admins and the learners enrolled in it. */
const ARCHIVED_READERS: readonly Role[] = ["learner", "instructor", "admin"];

/** Root field → roles allowed to call it. Every Query and Mutation field of the supergraph has a row. */
const ROOT_MATRIX: Record<string, readonly Role[]> = {
  "Query.courses": EVERYONE,
  "Query.course": EVERYONE,
  "Query.courseBySlug": EVERYONE,
  "Query.categories": EVERYONE,
  "Query.me": SIGNED_IN,
  "Query.enrollments": SIGNED_IN,
  // the learner's own (the course's instructor does not see it), or any for admins
  "Query.enrollment": LEARNER_OR_ADMIN,
  "Query.users": ADMIN_ONLY,
  "Query.user": ADMIN_ONLY,

  "Mutation.register": EVERYONE,
  "Mutation.login": EVERYONE,
  "Mutation.refreshTokens": EVERYONE,
  "Mutation.logout": SIGNED_IN,
  "Mutation.changePassword": SIGNED_IN,
  "Mutation.updateProfile": SIGNED_IN,
  "Mutation.becomeInstructor": SIGNED_IN,
  "Mutation.grantRole": ADMIN_ONLY,
  "Mutation.revokeRole": ADMIN_ONLY,
  "Mutation.disableUser": ADMIN_ONLY,

  "Mutation.createCourse": INSTRUCTORS,
  "Mutation.updateCourse": OWNER_OR_ADMIN,
  "Mutation.publishCourse": OWNER_OR_ADMIN,
  "Mutation.archiveCourse": OWNER_OR_ADMIN,
  "Mutation.addModule": OWNER_OR_ADMIN,
  "Mutation.renameModule": OWNER_OR_ADMIN,
  "Mutation.reorderModules": OWNER_OR_ADMIN,
  "Mutation.removeModule": OWNER_OR_ADMIN,
  "Mutation.createCategory": ADMIN_ONLY,

  "Mutation.enroll": SIGNED_IN,
  // only the learner records progress; admins cannot (EnrollmentService.updateProgress)
  "Mutation.updateProgress": LEARNER_ONLY,
  "Mutation.cancelEnrollment": LEARNER_OR_ADMIN,
};

/**
 * Resource rules below the root fields (subgraphs' schema/permissions.ts and
 * services): who sees a draft or an archived course, and whose personal
 * fields. A draft or archived course is hidden from others (null / absent, no
 * error); a personal field is refused.
 */
const RESOURCE_MATRIX: Record<string, readonly Role[]> = {
  "Query.course (a draft)": OWNER_OR_ADMIN,
  "Query.courseBySlug (a draft)": OWNER_OR_ADMIN,
  "Query.course (archived, the learner enrolled)": ARCHIVED_READERS,
  "Query.courseBySlug (archived, the learner enrolled)": ARCHIVED_READERS,
  "Query.courses (the owner's drafts)": OWNER_OR_ADMIN,
  "User.email (the instructor's)": OWNER_OR_ADMIN,
  "User.status (the instructor's)": OWNER_OR_ADMIN,
  "User.enrollments (the instructor's)": OWNER_OR_ADMIN,
};

// ---- the calls ---------------------------------------------------------------

interface Course {
  id: string;
  slug: string;
  moduleIds: string[];
}

interface Fixtures {
  users: Record<Exclude<Role, "anonymous">, TestUser>;
  categoryId: string;
  /** Published, free, two modules, owned by the instructor; the learner is enrolled. */
  published: Course;
  enrollmentId: string;
  /** A draft with two modules, owned by the instructor. */
  draft: Course;
  /** Published, the learner enrolled, then archived; owned by the instructor. */
  archived: Course;
}

interface Helpers {
  campus: TestCampus;
  f: Fixtures;
  /** A new course of the instructor. */
  course(options: { modules: number; publish: boolean }): Promise<Course>;
  /** A new account with the role's roles (a new admin for "admin"). */
  freshUser(role: Role): Promise<TestUser | undefined>;
  /** A new session of the role's fixture account (the learner's for anonymous). */
  freshSession(role: Role): Promise<TestUser>;
  /** A new ACTIVE enrollment of the learner in a new course of the instructor. */
  freshEnrollment(): Promise<string>;
}

interface Call {
  variables?: Record<string, unknown>;
  /** Token to call with instead of the role's fixture token (undefined for anonymous stays anonymous). */
  as?: TestUser;
}

interface Case {
  query: string;
  prepare?: (role: Role, h: Helpers) => Promise<Call>;
  /** For allowed calls: throws when the answer is not what the role should get. */
  check?: (data: any, role: Role, call: Call, h: Helpers) => void;
  /** For resource rules that hide instead of refusing: false when the resource is not in the answer. */
  visible?: (data: any, h: Helpers) => boolean;
}

const COURSE_INPUT = {
  description: "Who may do what",
  level: "BEGINNER",
  price: { amount: 0, currency: "USD" },
};
let sequence = 0;
const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}${(sequence += 1)}`;

function expectThat(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(what);
}

// Operations of schema/operations/mvp.graphql are used as written there.
const MVP_COURSES = operation("mvp", "Courses");
const MVP_COURSE = operation("mvp", "Course");
const MVP_ME = operation("mvp", "Me");
const MVP_REGISTER = operation("mvp", "Register");
const MVP_LOGIN = operation("mvp", "Login");
const MVP_REFRESH = operation("mvp", "RefreshTokens");
const MVP_LOGOUT = operation("mvp", "Logout");
const MVP_BECOME_INSTRUCTOR = operation("mvp", "BecomeInstructor");
const MVP_CREATE_COURSE = operation("mvp", "CreateCourse");
const MVP_ADD_MODULE = operation("mvp", "AddModule");
const MVP_PUBLISH = operation("mvp", "PublishCourse");
const MVP_ENROLL = operation("mvp", "Enroll");
const MVP_UPDATE_PROGRESS = operation("mvp", "UpdateProgress");

const ROOT_CASES: Record<string, Case> = {
  "Query.courses": {
    query: MVP_COURSES,
    prepare: async () => ({ variables: { first: 50, filter: { free: true } } }),
    check: (data, _role, _call, h) =>
      expectThat(
        data.courses.edges.some((edge: any) => edge.node.id === h.f.published.id),
        "published course not listed",
      ),
  },
  "Query.course": {
    query: MVP_COURSE,
    prepare: async (_role, h) => ({ variables: { id: h.f.published.id } }),
    check: (data, role, _call, h) => {
      expectThat(data.course?.id === h.f.published.id, "published course not returned");
      expectThat((data.course.viewerEnrollment?.id === h.f.enrollmentId) === (role === "learner"), "viewerEnrollment");
    },
  },
  "Query.courseBySlug": {
    query: `query($slug: String!) { courseBySlug(slug: $slug) { id slug status } }`,
    prepare: async (_role, h) => ({ variables: { slug: h.f.published.slug } }),
    check: (data, _role, _call, h) => expectThat(data.courseBySlug?.id === h.f.published.id, "course not returned"),
  },
  "Query.categories": {
    query: `query { categories { id name slug } }`,
    check: (data, _role, _call, h) =>
      expectThat(
        data.categories.some((c: any) => c.id === h.f.categoryId),
        "category not listed",
      ),
  },
  "Query.me": {
    query: MVP_ME,
    check: (data, role, _call, h) =>
      expectThat(data.me?.id === h.f.users[role as "learner"].id, "me is not the caller"),
  },
  "Query.enrollments": {
    query: `query($first: Int) { enrollments(first: $first) { totalCount edges { node { id status course { id title } } } } }`,
    prepare: async () => ({ variables: { first: 20 } }),
    check: (data, role, _call, h) => {
      const ids = data.enrollments.edges.map((edge: any) => edge.node.id);
      expectThat(ids.includes(h.f.enrollmentId) === (role === "learner"), "enrollments are not the caller's");
    },
  },
  "Query.enrollment": {
    query: `query($id: ID!) { enrollment(id: $id) { id status progress course { id } user { id } } }`,
    prepare: async (_role, h) => ({ variables: { id: h.f.enrollmentId } }),
    check: (data, _role, _call, h) =>
      expectThat(
        data.enrollment?.id === h.f.enrollmentId && data.enrollment.user.id === h.f.users.learner.id,
        "enrollment not returned",
      ),
  },
  "Query.users": {
    query: `query($first: Int) { users(first: $first) { totalCount edges { node { id email status roles } } } }`,
    prepare: async () => ({ variables: { first: 5 } }),
    check: (data) => expectThat(data.users.totalCount >= 4, "users not listed"),
  },
  "Query.user": {
    query: `query($id: ID!) { user(id: $id) { id email status roles } }`,
    prepare: async (_role, h) => ({ variables: { id: h.f.users.learner.id } }),
    check: (data, _role, _call, h) =>
      expectThat(data.user?.email === h.f.users.learner.email, "user not returned with personal fields"),
  },

  "Mutation.register": {
    query: MVP_REGISTER,
    prepare: async () => ({
      variables: {
        input: {
          email: `${unique("matrix").replace(" ", ".")}@example.com`,
          password: "a sturdy passphrase",
          name: "M",
        },
      },
    }),
    check: (data) => expectThat(data.register.user.roles.join() === "LEARNER", "not a learner account"),
  },
  "Mutation.login": {
    query: MVP_LOGIN,
    prepare: async (role, h) => {
      const user = role === "anonymous" ? h.f.users.learner : h.f.users[role];
      return { variables: { email: user.email, password: user.password } };
    },
    check: (data, role, _call, h) =>
      expectThat(
        data.login.user.id === (role === "anonymous" ? h.f.users.learner : h.f.users[role]).id,
        "signed in someone else",
      ),
  },
  "Mutation.refreshTokens": {
    query: MVP_REFRESH,
    prepare: async (role, h) => ({ variables: { refreshToken: (await h.freshSession(role)).refreshToken } }),
    check: (data, _role, call) =>
      expectThat(data.refreshTokens.refreshToken !== call.variables!.refreshToken, "not rotated"),
  },
  "Mutation.logout": {
    query: MVP_LOGOUT,
    prepare: async (role, h) => (role === "anonymous" ? {} : { as: await h.freshSession(role) }),
    check: (data) => expectThat(data.logout === true, "logout did not answer true"),
  },
  "Mutation.changePassword": {
    query: `mutation($current: String!, $next: String!) { changePassword(currentPassword: $current, newPassword: $next) }`,
    prepare: async (role, h) => {
      const user = (await h.freshUser(role)) ?? (await h.freshUser("learner"))!;
      return {
        variables: { current: user.password, next: "another sturdy passphrase" },
        ...(role === "anonymous" ? {} : { as: user }),
      };
    },
    check: (data) => expectThat(data.changePassword === true, "changePassword did not answer true"),
  },
  "Mutation.updateProfile": {
    query: `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id name } }`,
    prepare: async () => ({ variables: { input: { name: unique("Renamed") } } }),
    check: (data, role, call, h) =>
      expectThat(
        data.updateProfile.id === h.f.users[role as "learner"].id &&
          data.updateProfile.name === (call.variables!.input as { name: string }).name,
        "profile of someone else or unchanged",
      ),
  },
  "Mutation.becomeInstructor": {
    query: MVP_BECOME_INSTRUCTOR,
    prepare: async (role, h) => (role === "anonymous" ? {} : { as: await h.freshUser(role) }),
    check: (data) => expectThat(data.becomeInstructor.roles.includes("INSTRUCTOR"), "no INSTRUCTOR role"),
  },
  "Mutation.grantRole": {
    query: `mutation($userId: ID!, $role: Role!) { grantRole(userId: $userId, role: $role) { id roles } }`,
    prepare: async (_role, h) => ({ variables: { userId: (await h.freshUser("learner"))!.id, role: "ADMIN" } }),
    check: (data) => expectThat(data.grantRole.roles.includes("ADMIN"), "role not granted"),
  },
  "Mutation.revokeRole": {
    query: `mutation($userId: ID!, $role: Role!) { revokeRole(userId: $userId, role: $role) { id roles } }`,
    prepare: async (_role, h) => ({ variables: { userId: (await h.freshUser("instructor"))!.id, role: "INSTRUCTOR" } }),
    check: (data) => expectThat(!data.revokeRole.roles.includes("INSTRUCTOR"), "role not revoked"),
  },
  "Mutation.disableUser": {
    query: `mutation($userId: ID!) { disableUser(userId: $userId) { id status } }`,
    prepare: async (_role, h) => ({ variables: { userId: (await h.freshUser("learner"))!.id } }),
    check: (data) => expectThat(data.disableUser.status === "DISABLED", "not disabled"),
  },

  "Mutation.createCourse": {
    query: MVP_CREATE_COURSE,
    prepare: async () => ({ variables: { input: { ...COURSE_INPUT, title: unique("Matrix course") } } }),
    check: (data, role, _call, h) =>
      expectThat(
        data.createCourse.status === "DRAFT" && data.createCourse.instructor.id === h.f.users[role as "admin"].id,
        "not a draft taught by the caller",
      ),
  },
  "Mutation.updateCourse": {
    query: `mutation($id: ID!, $input: UpdateCourseInput!) { updateCourse(id: $id, input: $input) { id title } }`,
    prepare: async (_role, h) => ({ variables: { id: h.f.draft.id, input: { title: unique("Retitled") } } }),
    check: (data, _role, call) =>
      expectThat(data.updateCourse.title === (call.variables!.input as { title: string }).title, "not updated"),
  },
  "Mutation.publishCourse": {
    query: MVP_PUBLISH,
    prepare: async (_role, h) => ({ variables: { id: (await h.course({ modules: 1, publish: false })).id } }),
    check: (data) => expectThat(data.publishCourse.status === "PUBLISHED", "not published"),
  },
  "Mutation.archiveCourse": {
    query: `mutation($id: ID!) { archiveCourse(id: $id) { id status } }`,
    prepare: async (_role, h) => ({ variables: { id: (await h.course({ modules: 1, publish: true })).id } }),
    check: (data) => expectThat(data.archiveCourse.status === "ARCHIVED", "not archived"),
  },
  "Mutation.addModule": {
    query: MVP_ADD_MODULE,
    prepare: async (_role, h) => ({ variables: { courseId: h.f.draft.id, input: { title: unique("Module") } } }),
    check: (data) => expectThat(data.addModule.position > 2, "not appended"),
  },
  "Mutation.renameModule": {
    query: `mutation($moduleId: ID!, $title: String!) { renameModule(moduleId: $moduleId, title: $title) { id title } }`,
    prepare: async (_role, h) => ({ variables: { moduleId: h.f.draft.moduleIds[0], title: unique("Renamed module") } }),
    check: (data, _role, call) => expectThat(data.renameModule.title === call.variables!.title, "not renamed"),
  },
  "Mutation.reorderModules": {
    query: `mutation($courseId: ID!, $moduleIds: [ID!]!) { reorderModules(courseId: $courseId, moduleIds: $moduleIds) { id modules { id position } } }`,
    prepare: async (_role, h) => {
      const course = await h.course({ modules: 2, publish: false });
      return { variables: { courseId: course.id, moduleIds: [...course.moduleIds].reverse() } };
    },
    check: (data, _role, call) =>
      expectThat(
        data.reorderModules.modules.map((m: any) => m.id).join() === (call.variables!.moduleIds as string[]).join(),
        "not reordered",
      ),
  },
  "Mutation.removeModule": {
    query: `mutation($moduleId: ID!) { removeModule(moduleId: $moduleId) { id modules { id position } } }`,
    prepare: async (_role, h) => ({
      variables: { moduleId: (await h.course({ modules: 2, publish: false })).moduleIds[0] },
    }),
    check: (data) => expectThat(data.removeModule.modules.length === 1, "not removed"),
  },
  "Mutation.createCategory": {
    query: `mutation($name: String!) { createCategory(name: $name) { id name } }`,
    prepare: async () => ({ variables: { name: unique("Category") } }),
    check: (data, _role, call) => expectThat(data.createCategory.name === call.variables!.name, "not created"),
  },

  "Mutation.enroll": {
    query: MVP_ENROLL,
    prepare: async (_role, h) => ({ variables: { courseId: (await h.course({ modules: 1, publish: true })).id } }),
    check: (data, _role, call) =>
      expectThat(data.enroll.status === "ACTIVE" && data.enroll.course.id === call.variables!.courseId, "not enrolled"),
  },
  "Mutation.updateProgress": {
    query: MVP_UPDATE_PROGRESS,
    prepare: async (_role, h) => ({
      variables: { enrollmentId: h.f.enrollmentId, moduleId: h.f.published.moduleIds[0], completed: true },
    }),
    check: (data) => expectThat(data.updateProgress.progress === 0.5, "progress not recorded"),
  },
  "Mutation.cancelEnrollment": {
    query: `mutation($enrollmentId: ID!) { cancelEnrollment(enrollmentId: $enrollmentId) { id status } }`,
    prepare: async (_role, h) => ({ variables: { enrollmentId: await h.freshEnrollment() } }),
    check: (data) => expectThat(data.cancelEnrollment.status === "CANCELLED", "not cancelled"),
  },
};

const INSTRUCTOR_OF_PUBLISHED = (field: string) =>
  `query($id: ID!) { course(id: $id) { id instructor { id ${field} } } }`;

const RESOURCE_CASES: Record<string, Case> = {
  "Query.course (a draft)": {
    query: `query($id: ID!) { course(id: $id) { id status description modules { id } } }`,
    prepare: async (_role, h) => ({ variables: { id: h.f.draft.id } }),
    visible: (data, h) => data.course?.id === h.f.draft.id,
  },
  "Query.courseBySlug (a draft)": {
    query: `query($slug: String!) { courseBySlug(slug: $slug) { id status description modules { id } } }`,
    prepare: async (_role, h) => ({ variables: { slug: h.f.draft.slug } }),
    visible: (data, h) => data.courseBySlug?.id === h.f.draft.id,
  },
  "Query.course (archived, the learner enrolled)": {
    query: `query($id: ID!) { course(id: $id) { id status description modules { id } } }`,
    prepare: async (_role, h) => ({ variables: { id: h.f.archived.id } }),
    visible: (data, h) => data.course?.id === h.f.archived.id,
  },
  "Query.courseBySlug (archived, the learner enrolled)": {
    query: `query($slug: String!) { courseBySlug(slug: $slug) { id status description modules { id } } }`,
    prepare: async (_role, h) => ({ variables: { slug: h.f.archived.slug } }),
    visible: (data, h) => data.courseBySlug?.id === h.f.archived.id,
  },
  "Query.courses (the owner's drafts)": {
    query: `query($filter: CourseFilter) { courses(first: 50, filter: $filter) { edges { node { id status } } } }`,
    prepare: async (_role, h) => ({
      variables: { filter: { instructorId: h.f.users.instructor.id, status: "DRAFT" } },
    }),
    visible: (data, h) => data.courses.edges.some((edge: any) => edge.node.id === h.f.draft.id),
  },
  "User.email (the instructor's)": {
    query: INSTRUCTOR_OF_PUBLISHED("email"),
    prepare: async (_role, h) => ({ variables: { id: h.f.published.id } }),
    check: (data, _role, _call, h) => expectThat(data.course.instructor.email === h.f.users.instructor.email, "email"),
  },
  "User.status (the instructor's)": {
    query: INSTRUCTOR_OF_PUBLISHED("status"),
    prepare: async (_role, h) => ({ variables: { id: h.f.published.id } }),
    check: (data) => expectThat(data.course.instructor.status === "ACTIVE", "status"),
  },
  "User.enrollments (the instructor's)": {
    query: INSTRUCTOR_OF_PUBLISHED("enrollments(first: 5) { totalCount }"),
    prepare: async (_role, h) => ({ variables: { id: h.f.published.id } }),
    check: (data) => expectThat(typeof data.course.instructor.enrollments.totalCount === "number", "enrollments"),
  },
};

// ---- the supergraph's root fields ----------------------------------------------

function supergraphRootFields(): string[] {
  const document = parse(readFileSync(SUPERGRAPH_PATH, "utf8"));
  const fields: string[] = [];
  for (const definition of document.definitions) {
    if (
      (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION) &&
      (definition.name.value === "Query" || definition.name.value === "Mutation")
    ) {
      for (const field of definition.fields ?? []) fields.push(`${definition.name.value}.${field.name.value}`);
    }
  }
  return fields.sort();
}

describe("authorization matrix: completeness", () => {
  it("has exactly one row per Query and Mutation field of schema/supergraph.graphql", () => {
    const rootFields = supergraphRootFields();
    expect(rootFields.length).toBeGreaterThan(20);
    expect(Object.keys(ROOT_MATRIX).sort()).toEqual(rootFields);
    expect(Object.keys(ROOT_CASES).sort()).toEqual(rootFields);
    expect(Object.keys(RESOURCE_CASES).sort()).toEqual(Object.keys(RESOURCE_MATRIX).sort());
  });
});

// ---- running it ------------------------------------------------------------------

type Digest = Record<string, string | null>;

/**
 * md5 of every row of every table of every subgraph's schema. An outbox row
 * counts by its event id: the relay stamps publishedAt in the background.
 */
async function digestTables(campus: TestCampus): Promise<Digest> {
  await settleEvents(campus);
  const digest: Digest = {};
  for (const db of Object.values(campus.databases)) {
    const tables = await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`,
      [db.schema],
    );
    if (tables.length === 0) throw new Error(`no tables in schema ${db.schema}`);
    const columns = tables.map(
      ({ table_name }, i) =>
        `(SELECT md5(string_agg(${table_name === "OutboxEvent" ? `t."eventId"` : "t::text"}, ',' ORDER BY t::text))
            FROM "${db.schema}"."${table_name}" t) AS d${i}`,
    );
    const [row] = await db.query<Record<string, string | null>>(`SELECT ${columns.join(", ")}`);
    tables.forEach(({ table_name }, i) => (digest[`${db.schema}.${table_name}`] = row![`d${i}`] ?? null));
  }
  return digest;
}

const changedTables = (before: Digest, after: Digest) =>
  Object.keys({ ...before, ...after }).filter((table) => before[table] !== after[table]);

/** What a role should get: "ok", "hidden" (a resource left out of the answer) or the error code. */
function expectedOutcome(role: Role, allowed: boolean, testCase: Case): string {
  if (allowed) return "ok";
  if (testCase.visible) return "hidden";
  return role === "anonymous" ? "UNAUTHENTICATED" : "FORBIDDEN";
}

/** What a role got, with anything unexpected about it spelled out. */
function outcomeOf(result: GraphQLResult, field: string, changed: string[]): string {
  const codes = [...new Set((result.errors ?? []).map((error) => String(error.extensions?.code ?? "NO_CODE")))];
  let outcome = codes.join("+");
  if (codes.includes("UNAUTHENTICATED") && result.status !== 401 && result.data === undefined) {
    outcome += ` (HTTP ${result.status}, expected 401)`;
  }
  // Refused root fields must not answer; field-level refusals null out the path.
  if (field !== "" && result.data?.[field] != null) outcome += " (with data)";
  if (changed.length > 0) outcome += ` (changed ${changed.join(", ")})`;
  return outcome;
}

describe.each(backends().map((backend) => [backend.name, backend] as const))(
  "authorization matrix through the router (%s)",
  (_name, backend) => {
    let campus: TestCampus;
    let h: Helpers;

    beforeAll(async () => {
      campus = await startTestCampus(backend);
      const [learner, instructor, otherInstructor, admin] = await Promise.all([
        registerUser(campus, "Matrix Learner"),
        registerInstructor(campus, "Matrix Owner"),
        registerInstructor(campus, "Matrix Other Instructor"),
        registerAdmin(campus),
      ]);
      const users = { learner: learner!, instructor: instructor!, otherInstructor: otherInstructor!, admin: admin! };

      const must = async (query: string, variables: Record<string, unknown>, token: string) => {
        const result = await campus.gql(query, variables, token);
        if (result.errors || !result.data) throw new Error(`fixture failed: ${JSON.stringify(result.errors)}`);
        return result.data;
      };
      const course = async ({ modules, publish }: { modules: number; publish: boolean }): Promise<Course> => {
        const token = users.instructor.accessToken;
        const created = (await must(MVP_CREATE_COURSE, { input: { ...COURSE_INPUT, title: unique("Fixture") } }, token))
          .createCourse;
        const moduleIds: string[] = [];
        for (let i = 1; i <= modules; i += 1) {
          const added = await must(MVP_ADD_MODULE, { courseId: created.id, input: { title: `Part ${i}` } }, token);
          moduleIds.push(added.addModule.id);
        }
        if (publish) await must(MVP_PUBLISH, { id: created.id }, token);
        return { id: created.id, slug: created.slug, moduleIds };
      };
      const enroll = async (courseId: string) =>
        (await must(MVP_ENROLL, { courseId }, users.learner.accessToken)).enroll.id as string;

      const category = await must(
        `mutation($name: String!) { createCategory(name: $name) { id } }`,
        { name: unique("Matrix") },
        users.admin.accessToken,
      );
      const published = await course({ modules: 2, publish: true });
      const draft = await course({ modules: 2, publish: false });
      const archived = await course({ modules: 1, publish: true });
      await enroll(archived.id);
      await must(
        `mutation($id: ID!) { archiveCourse(id: $id) { id } }`,
        { id: archived.id },
        users.instructor.accessToken,
      );
      const f: Fixtures = {
        users,
        categoryId: category.createCategory.id,
        published,
        enrollmentId: await enroll(published.id),
        draft,
        archived,
      };
      // catalog learns of the learner's enrollment in `archived` from enrollment's events
      await settleEvents(campus);

      h = {
        campus,
        f,
        course,
        async freshUser(role) {
          if (role === "anonymous") return undefined;
          if (role === "admin") return registerAdmin(campus);
          return role === "learner" ? registerUser(campus) : registerInstructor(campus);
        },
        async freshSession(role) {
          const user = role === "anonymous" ? users.learner : users[role];
          const login = await must(MVP_LOGIN, { email: user.email, password: user.password }, "");
          return { ...user, ...login.login };
        },
        freshEnrollment: async () => enroll((await course({ modules: 1, publish: true })).id),
      };
    });
    afterAll(() => campus?.stop());

    async function outcomes(name: string, testCase: Case, allowedRoles: readonly Role[]) {
      const field = name.startsWith("Query.") || name.startsWith("Mutation.") ? name.split(/[. ]/)[1]! : "";
      const got: Record<string, string> = {};
      const expected: Record<string, string> = {};
      for (const role of ROLES) {
        const allowed = allowedRoles.includes(role);
        expected[role] = expectedOutcome(role, allowed, testCase);
        const call = (await testCase.prepare?.(role, h)) ?? {};
        const caller = call.as ?? (role === "anonymous" ? undefined : h.f.users[role]);
        // Denied calls must change nothing: digest every table before and after.
        const before = allowed ? undefined : await digestTables(campus);
        const result = await campus.gql(testCase.query, call.variables ?? {}, caller?.accessToken);
        const changed = before ? changedTables(before, await digestTables(campus)) : [];

        if (result.errors?.length) {
          got[role] = outcomeOf(result, testCase.visible ? "" : field, changed);
          if (allowed) got[role] += `: ${result.errors.map((e) => e.message).join("; ")}`;
          continue;
        }
        if (testCase.visible && !testCase.visible(result.data, h)) {
          got[role] = changed.length ? `hidden (changed ${changed.join(", ")})` : "hidden";
          continue;
        }
        if (!allowed) {
          got[role] = `ok (a denied call succeeded${changed.length ? `, changed ${changed.join(", ")}` : ""})`;
          continue;
        }
        try {
          testCase.check?.(result.data, role, call, h);
          got[role] = "ok";
        } catch (error) {
          got[role] = `ok but wrong: ${(error as Error).message}`;
        }
      }
      return { got, expected };
    }

    it("serves exactly the supergraph's root fields (introspection)", async () => {
      const result = await campus.gql(
        `{ __schema { queryType { fields { name } } mutationType { fields { name } } } }`,
      );
      expect(result.errors).toBeUndefined();
      const served = [
        ...result.data.__schema.queryType.fields.map((f: { name: string }) => `Query.${f.name}`),
        ...result.data.__schema.mutationType.fields.map((f: { name: string }) => `Mutation.${f.name}`),
      ].sort();
      expect(served).toEqual(Object.keys(ROOT_MATRIX).sort());
    });

    it.each(Object.keys(ROOT_MATRIX))("%s", async (name) => {
      const { got, expected } = await outcomes(name, ROOT_CASES[name]!, ROOT_MATRIX[name]!);
      expect(got).toEqual(expected);
    });

    it.each(Object.keys(RESOURCE_MATRIX))("%s", async (name) => {
      const { got, expected } = await outcomes(name, RESOURCE_CASES[name]!, RESOURCE_MATRIX[name]!);
      expect(got).toEqual(expected);
    });

    it("answers a refusal at the router with HTTP 403 (401 when anonymous)", async () => {
      const query = `{ users(first: 1) { totalCount } }`;
      const learner = await campus.gql(query, {}, h.f.users.learner.accessToken);
      expect({ status: learner.status, code: learner.errors?.[0]?.extensions?.code }).toEqual({
        status: 403,
        code: "FORBIDDEN",
      });
      const anonymous = await campus.gql(query);
      expect({ status: anonymous.status, code: anonymous.errors?.[0]?.extensions?.code }).toEqual({
        status: 401,
        code: "UNAUTHENTICATED",
      });
    });
  },
);
