import {
  backends,
  operation,
  registerInstructor,
  registerUser,
  startTestCampus,
  type TestCampus,
  type TestUser,
} from "../support";

/**
 * Queries over GET carry the Cache-Control the subgraphs' cache hints give
 * (docs/http-caching.md), an ETag, and answer 304 to a matching If-None-Match,
 * so a CDN in front of the router can serve the public catalog.
 */
async function get(url: string, query: string, variables?: Record<string, unknown>, headers = {}) {
  const search = new URLSearchParams({ query, ...(variables ? { variables: JSON.stringify(variables) } : {}) });
  // Apollo's CSRF prevention wants a header a simple cross-site GET cannot send
  const response = await fetch(`${url}?${search}`, { headers: { "apollo-require-preflight": "true", ...headers } });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: text ? (JSON.parse(text) as { data?: any; errors?: { extensions?: { code?: string } }[] }) : undefined,
  };
}

const bearer = (user: TestUser) => ({ authorization: `Bearer ${user.accessToken}` });

describe.each(backends().map((backend) => [backend.name, backend] as const))(
  "cacheable GETs at the router (%s)",
  (_name, backend) => {
    let campus: TestCampus;
    let learner: TestUser;
    let courseId: string;
    const COURSES = operation("mvp", "Courses");
    beforeAll(async () => {
      campus = await startTestCampus(backend);
      learner = await registerUser(campus);
      const instructor = await registerInstructor(campus);
      const created = await campus.gql(
        operation("mvp", "CreateCourse"),
        {
          input: {
            title: "Caching at the edge",
            description: "CDNs",
            level: "BEGINNER",
            price: { amount: 0, currency: "EUR" },
          },
        },
        instructor.accessToken,
      );
      courseId = created.data.createCourse.id;
      await campus.gql(operation("mvp", "AddModule"), { courseId, input: { title: "One" } }, instructor.accessToken);
      const published = await campus.gql(operation("mvp", "PublishCourse"), { id: courseId }, instructor.accessToken);
      expect(published.errors).toBeUndefined();
    });
    afterAll(() => campus?.stop());

    it("lets anyone cache an anonymous GET of the public catalog for its shortest-lived field", async () => {
      const response = await get(campus.routerUrl, COURSES, { first: 5 });
      expect(response.status).toBe(200);
      expect(response.body?.errors).toBeUndefined();
      expect(response.body?.data.courses.edges.map((edge: any) => edge.node.id)).toContain(courseId);
      // courses 60 s, Course 300 s, enrollmentCount 60 s
      expect(response.headers.get("cache-control")).toBe("public, max-age=60");
      expect(response.headers.get("vary")).toBe("Accept, Authorization, X-Api-Key");
      expect(response.headers.get("etag")).toMatch(/^"[A-Za-z0-9_-]{43}"$/);

      const categories = await get(campus.routerUrl, "{ categories { id name } }");
      expect(categories.headers.get("cache-control")).toBe("public, max-age=3600");
    });

    it("answers 304 with no body to a matching If-None-Match, 200 to another", async () => {
      const first = await get(campus.routerUrl, COURSES, { first: 5 });
      const etag = first.headers.get("etag")!;
      const again = await get(campus.routerUrl, COURSES, { first: 5 }, { "if-none-match": etag });
      expect(again.status).toBe(304);
      expect(again.text).toBe("");
      expect(again.headers.get("etag")).toBe(etag);
      expect(again.headers.get("cache-control")).toBe("public, max-age=60");
      const other = await get(campus.routerUrl, COURSES, { first: 5 }, { "if-none-match": '"stale"' });
      expect(other.status).toBe(200);
      expect(other.text).toBe(first.text);
      // another body, another tag
      const fewer = await get(campus.routerUrl, COURSES, { first: 0 });
      expect(fewer.headers.get("etag")).not.toBe(etag);
    });

    it("keeps a field that depends on the viewer private", async () => {
      const response = await get(
        campus.routerUrl,
        "{ courses(first: 3) { edges { node { title viewerHasPurchased } } } }",
      );
      expect(response.body?.errors).toBeUndefined();
      expect(response.headers.get("cache-control")).toBe("private, max-age=60");
      // viewerEnrollment is private and has no maxAge: nobody keeps it
      const course = await get(campus.routerUrl, operation("mvp", "Course"), { id: courseId });
      expect(course.body?.errors).toBeUndefined();
      expect(course.headers.get("cache-control")).toBe("no-store");
      expect(course.headers.get("etag")).toBeNull();
    });

    it("stores nothing for a signed-in caller unless every field is the same for every caller", async () => {
      const courses = await get(campus.routerUrl, COURSES, { first: 5 }, bearer(learner));
      expect(courses.body?.errors).toBeUndefined();
      expect(courses.headers.get("cache-control")).toBe("no-store");
      const categories = await get(campus.routerUrl, "{ categories { id name } }", undefined, bearer(learner));
      expect(categories.headers.get("cache-control")).toBe("public, max-age=3600");
      const me = await get(campus.routerUrl, "{ me { id name } }", undefined, bearer(learner));
      expect(me.body?.data.me.id).toBe(learner.id);
      expect(me.headers.get("cache-control")).toBe("no-store");
      // refused while the context is built, before any plugin: still never stored
      const badToken = await get(campus.routerUrl, "{ categories { id } }", undefined, {
        authorization: "Bearer nope",
      });
      expect(badToken.status).toBe(401);
      expect(badToken.headers.get("cache-control")).toBe("no-store");
    });

    it("stores nothing for errors, POSTs and mutations; a mutation over GET is 405 with Allow: POST", async () => {
      const refused = await get(campus.routerUrl, COURSES, { first: 500 });
      expect(refused.body?.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(refused.headers.get("cache-control")).toBe("no-store");
      expect(refused.headers.get("etag")).toBeNull();

      const posted = await campus.gql(COURSES, { first: 5 });
      expect(posted.errors).toBeUndefined();
      expect(posted.headers.get("cache-control")).toBe("no-store");

      const mutation = await get(campus.routerUrl, 'mutation { enroll(courseId: "x") { id } }');
      expect(mutation.status).toBe(405);
      expect(mutation.headers.get("allow")).toBe("POST");
      expect(mutation.headers.get("cache-control")).toBe("no-store");
    });
  },
);
