import {
  backends,
  registerAdmin,
  registerInstructor,
  registerUser,
  settleEvents,
  startTestCampus,
  type TestCampus,
  type TestUser,
  operation,
} from "../support";

/**
 * DataLoader everywhere a list fans out: through the router, a page of 50
 * courses (or enrollments, or users) must cost each subgraph's database the
 * same number of SQL statements as a page of 5. A resolver that queries per
 * row makes the 50-row count grow and fails here.
 *
 * Counts come from each subgraph's counter (packages/database/src/query-counter.ts),
 * read before and after one request. Nothing else talks to the databases
 * while a request runs: the router's rate limits, token revocation and the
 * course cache live in the shared store, not in a subgraph database, and the
 * event consumers have caught up before the first measurement.
 */

const SUBGRAPHS = ["identity", "catalog", "enrollment"] as const;
type Subgraph = (typeof SUBGRAPHS)[number];
type Counts = Record<Subgraph, number>;

const COURSES_TOTAL = 52;
/**
 * Ten instructors, courses dealt round-robin: a page of 5 shows 5 of them and
 * a page of 50 all 10, so a per-row user look-up shows up in identity's count
 * even though the gateway sends each distinct instructor only once.
 */
const INSTRUCTOR_NAMES = [
  "Ada Lovelace",
  "Grace Hopper",
  "Alan Turing",
  "Barbara Liskov",
  "Edsger Dijkstra",
  "Katherine Johnson",
  "Donald Knuth",
  "Frances Allen",
  "John Backus",
  "Radia Perlman",
];

// As in schema/operations/mvp.graphql.
const CREATE_COURSE = operation("mvp", "CreateCourse");
const ADD_MODULE = operation("mvp", "AddModule");
const PUBLISH = operation("mvp", "PublishCourse");
const ENROLL = operation("mvp", "Enroll");
const UPDATE_PROGRESS = operation("mvp", "UpdateProgress");
const COURSES = operation("mvp", "Courses");

/** Everything a course in a listing can fan out to, in all three subgraphs. */
const COURSES_FANOUT = `query CoursesFanout($first: Int) {
  courses(first: $first) {
    totalCount
    edges {
      cursor
      node {
        id title slug level status capacity
        price { amount currency }
        category { id name }
        instructor { id name }
        enrollmentCount
        modules { id title position }
        viewerEnrollment {
          id status progress completedModuleIds
          user { id name }
          course { id title modules { id } }
        }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** Enrollment → course (catalog) → instructor (identity), and back into enrollment. */
const MY_ENROLLMENTS = `query MyEnrollments($first: Int) {
  me {
    id
    enrollments(first: $first) {
      totalCount
      edges {
        node {
          id status progress completedAt completedModuleIds
          user { id name }
          course {
            id title status
            modules { id position }
            instructor { id name }
            enrollmentCount
            viewerEnrollment { id status }
          }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

/** The root `enrollments` field: the same fan-out without going through `me`. */
const ROOT_ENROLLMENTS = `query RootEnrollments($first: Int) {
  enrollments(first: $first) {
    totalCount
    edges { node { id progress course { id title instructor { id name } enrollmentCount } } }
  }
}`;

/** Admins: a page of users, each with a page of their enrollments and what those point at. */
const USERS_WITH_ENROLLMENTS = `query UsersWithEnrollments($first: Int) {
  users(first: $first) {
    totalCount
    edges {
      node {
        id name
        enrollments(first: 3) {
          totalCount
          edges { node { id status course { id title instructor { id name } } } }
        }
      }
    }
  }
}`;

describe.each(backends().map((backend) => [backend.name, backend] as const))(
  "query counts do not grow with page size, through the router (%s)",
  (_name, backend) => {
    let campus: TestCampus;
    let viewer: TestUser;
    let admin: TestUser;
    const courseIds: string[] = [];
    const instructorIds = new Set<string>();
    const measured: string[] = [];

    const snapshot = (): Counts =>
      Object.fromEntries(SUBGRAPHS.map((name) => [name, campus.databases[name].queries.total])) as Counts;

    /**
     * `cold`: the course cache is emptied first, so references to courses
     * (viewerEnrollment.course, enrollment.course) reach catalog's database;
     * warm: the same request ran just before, so they come from the cache.
     */
    async function cost(
      label: string,
      query: string,
      first: number,
      token: string | undefined,
      mode: "cold" | "warm",
    ): Promise<{ counts: Counts; data: any }> {
      if (mode === "cold") await Promise.all(courseIds.map((id) => campus.services.catalog.cache.invalidate(id)));
      else expect((await campus.gql(query, { first }, token)).errors).toBeUndefined();
      const before = snapshot();
      const result = await campus.gql(query, { first }, token);
      const after = snapshot();
      expect(result.errors).toBeUndefined();
      const counts = Object.fromEntries(SUBGRAPHS.map((name) => [name, after[name] - before[name]])) as Counts;
      measured.push(`${backend.name} ${label} ${mode} first=${first}: ${JSON.stringify(counts)}`);
      return { counts, data: result.data };
    }

    /**
     * Same statements per subgraph for 5 rows and for 50, and each subgraph in
     * `touched` really reached its database (so 0 = 0 cannot pass for "flat").
     */
    function expectFlat(
      small: Counts,
      large: Counts,
      touched: readonly Subgraph[],
      subgraphs: readonly Subgraph[] = SUBGRAPHS,
    ) {
      for (const name of subgraphs) {
        // the subgraph's name in the comparison, so a failure says which one fans out
        expect({ subgraph: name, queries: large[name] }).toEqual({ subgraph: name, queries: small[name] });
      }
      for (const name of touched) {
        expect({ subgraph: name, queried: small[name] > 0 }).toEqual({ subgraph: name, queried: true });
      }
    }

    beforeAll(async () => {
      campus = await startTestCampus(backend);
      // Learners first: the admin's user listing is oldest first, so its first page holds enrolled users.
      viewer = await registerUser(campus, "Viewing Learner");
      const learners = [await registerUser(campus, "Second Learner"), await registerUser(campus, "Third Learner")];
      const instructors = await Promise.all(INSTRUCTOR_NAMES.map((name) => registerInstructor(campus, name)));
      for (const instructor of instructors) instructorIds.add(instructor.id);

      // Round-robin over the instructors, so any 5 consecutive courses have several.
      const created: { id: string; modules: string[] }[] = [];
      for (let n = 0; n < COURSES_TOTAL; n += 1) {
        const instructor = instructors[n % instructors.length]!;
        const course = await campus.gql(
          CREATE_COURSE,
          {
            input: {
              title: `Fan-out Course ${n + 1}`,
              description: "Counting queries",
              level: "BEGINNER",
              price: { amount: 0, currency: "USD" },
              ...(n % 2 === 0 ? { capacity: 100 } : {}),
            },
          },
          instructor.accessToken,
        );
        expect(course.errors).toBeUndefined();
        const id = course.data.createCourse.id as string;
        const modules: string[] = [];
        for (const title of ["Intro", "Deep dive"]) {
          const added = await campus.gql(ADD_MODULE, { courseId: id, input: { title } }, instructor.accessToken);
          expect(added.errors).toBeUndefined();
          modules.push(added.data.addModule.id);
        }
        expect((await campus.gql(PUBLISH, { id }, instructor.accessToken)).errors).toBeUndefined();
        created.push({ id, modules });
        courseIds.push(id);
      }

      // The viewer is enrolled everywhere (with some progress); two other learners in some courses.
      for (const [index, course] of created.entries()) {
        const enrolled = await campus.gql(ENROLL, { courseId: course.id }, viewer.accessToken);
        expect(enrolled.errors).toBeUndefined();
        if (index % 3 === 0) {
          const marked = await campus.gql(
            UPDATE_PROGRESS,
            { enrollmentId: enrolled.data.enroll.id, moduleId: course.modules[0], completed: true },
            viewer.accessToken,
          );
          expect(marked.errors).toBeUndefined();
        }
      }
      for (const [offset, learner] of learners.entries()) {
        for (const course of created.filter((_, index) => index % (offset + 2) === 0)) {
          expect((await campus.gql(ENROLL, { courseId: course.id }, learner.accessToken)).errors).toBeUndefined();
        }
      }
      // Users to list: more than 50 in all, a few of them enrolled, so User.enrollments fans out too.
      admin = await registerAdmin(campus);
      const extra = await Promise.all(
        Array.from({ length: 45 }, (_, n) =>
          campus.services.identity.accounts.register({
            email: `listed.${n}.${Date.now()}@example.com`,
            password: "a sturdy passphrase",
            name: `Listed User ${n}`,
          }),
        ),
      );
      for (const [index, session] of extra.slice(0, 10).entries()) {
        await campus.gql(ENROLL, { courseId: courseIds[index]! }, session.accessToken);
      }
      // consumers (catalog's course learners, enrollment's projection) write to the databases being counted
      await settleEvents(campus);
    }, 600_000);

    afterAll(async () => {
      // LOG_QUERY_COUNTS=1 prints every measurement (for reports); the assertions need none of it
      if (process.env.LOG_QUERY_COUNTS) process.stdout.write(`${measured.join("\n")}\n`);
      await campus?.stop();
    });

    it("Courses as in mvp.graphql (anonymous): 50 courses cost what 5 cost", async () => {
      for (const mode of ["cold", "warm"] as const) {
        const five = await cost("Courses", COURSES, 5, undefined, mode);
        const fifty = await cost("Courses", COURSES, 50, undefined, mode);
        expect(five.data.courses.edges).toHaveLength(5);
        expect(fifty.data.courses.edges).toHaveLength(50);
        const nodes = fifty.data.courses.edges.map((edge: any) => edge.node);
        expect(new Set(nodes.map((node: any) => node.instructor.id))).toEqual(instructorIds);
        expect(new Set(five.data.courses.edges.map((edge: any) => edge.node.instructor.id)).size).toBe(5);
        expect(nodes.every((node: any) => INSTRUCTOR_NAMES.includes(node.instructor.name))).toBe(true);
        expect(nodes.some((node: any) => node.enrollmentCount >= 2)).toBe(true);
        expectFlat(five.counts, fifty.counts, ["identity", "catalog", "enrollment"]);
      }
    });

    it("every field a listed course fans out to (signed in, with viewerEnrollment): 50 cost what 5 cost", async () => {
      for (const mode of ["cold", "warm"] as const) {
        const five = await cost("CoursesFanout", COURSES_FANOUT, 5, viewer.accessToken, mode);
        const fifty = await cost("CoursesFanout", COURSES_FANOUT, 50, viewer.accessToken, mode);
        const nodes = fifty.data.courses.edges.map((edge: any) => edge.node);
        expect(nodes).toHaveLength(50);
        expect(new Set(nodes.map((node: any) => node.instructor.id)).size).toBe(INSTRUCTOR_NAMES.length);
        for (const node of nodes) {
          expect(node.modules).toHaveLength(2);
          expect(node.viewerEnrollment).toMatchObject({
            status: "ACTIVE",
            user: { id: viewer.id, name: "Viewing Learner" },
            course: { id: node.id, title: node.title },
          });
          expect(node.viewerEnrollment.course.modules).toHaveLength(2);
        }
        expect(nodes.some((node: any) => node.viewerEnrollment.completedModuleIds.length === 1)).toBe(true);
        expect(nodes.some((node: any) => node.capacity === 100)).toBe(true);
        expectFlat(five.counts, fifty.counts, ["identity", "catalog", "enrollment"]);
      }
    });

    it("me.enrollments → course → instructor / enrollmentCount / viewerEnrollment: 50 cost what 5 cost", async () => {
      for (const mode of ["cold", "warm"] as const) {
        const five = await cost("MyEnrollments", MY_ENROLLMENTS, 5, viewer.accessToken, mode);
        const fifty = await cost("MyEnrollments", MY_ENROLLMENTS, 50, viewer.accessToken, mode);
        expect(five.data.me.enrollments.edges).toHaveLength(5);
        const nodes = fifty.data.me.enrollments.edges.map((edge: any) => edge.node);
        expect(nodes).toHaveLength(50);
        expect(new Set(nodes.map((node: any) => node.course.instructor.id))).toEqual(instructorIds);
        for (const node of nodes) {
          expect(node.user).toEqual({ id: viewer.id, name: "Viewing Learner" });
          expect(node.course.modules).toHaveLength(2);
          expect(node.course.viewerEnrollment).toEqual({ id: node.id, status: node.status });
          expect(node.course.enrollmentCount).toBeGreaterThanOrEqual(1);
        }
        expectFlat(five.counts, fifty.counts, mode === "cold" ? SUBGRAPHS : ["identity", "enrollment"]);
      }
    });

    it("the root enrollments field with course and instructor: 50 cost what 5 cost", async () => {
      for (const mode of ["cold", "warm"] as const) {
        const five = await cost("RootEnrollments", ROOT_ENROLLMENTS, 5, viewer.accessToken, mode);
        const fifty = await cost("RootEnrollments", ROOT_ENROLLMENTS, 50, viewer.accessToken, mode);
        expect(fifty.data.enrollments.edges).toHaveLength(50);
        expectFlat(five.counts, fifty.counts, mode === "cold" ? SUBGRAPHS : ["identity", "enrollment"]);
      }
    });

    // Filled by the test below; the one after it reads them.
    const userListing: { five?: number; fifty?: number } = {};

    it("admin: users → each user's enrollments → course → instructor: identity and catalog stay flat", async () => {
      for (const mode of ["cold", "warm"] as const) {
        const five = await cost("UsersWithEnrollments", USERS_WITH_ENROLLMENTS, 5, admin.accessToken, mode);
        const fifty = await cost("UsersWithEnrollments", USERS_WITH_ENROLLMENTS, 50, admin.accessToken, mode);
        const users = fifty.data.users.edges.map((edge: any) => edge.node);
        expect(users).toHaveLength(50);
        // several users with enrollments on the page, so the nested connection really fans out
        expect(users.filter((user: any) => user.enrollments.edges.length > 0).length).toBeGreaterThanOrEqual(5);
        expect(five.counts.enrollment).toBeGreaterThan(0);
        expectFlat(five.counts, fifty.counts, mode === "cold" ? SUBGRAPHS : ["identity"], ["identity", "catalog"]);
        if (mode === "cold")
          Object.assign(userListing, { five: five.counts.enrollment, fifty: fifty.counts.enrollment });
      }
    });

    /**
     * User.enrollments is one batch per request: the users asked for the same
     * page share one page query and one count (EnrollmentRepository.pageForUser
     * → user-enrollment-pages.ts), so 50 users cost enrollment what 5 cost. A
     * query per user would make the 50-user count ten times the 5-user one.
     */
    it("admin: users → each user's enrollments: enrollment stays flat too", () => {
      expect(userListing.five).toBeDefined();
      expect(userListing.fifty).toBe(userListing.five);
    });
  },
);
