import { auditServer } from "graphql-http";
import {
  backends,
  registerAdmin,
  registerInstructor,
  registerUser,
  startTestCampus,
  type GraphQLResult,
  type TestCampus,
  type TestUser,
} from "../support";

/**
 * The router speaks GraphQL over HTTP as the spec and clients expect, and bad
 * input is a client's mistake with a stable code, never INTERNAL: the
 * GraphQL-over-HTTP audit, the router's refusals (4xx with their code),
 * operations that cannot be determined, persisted-query hashes that do not
 * match, forged cursors, text no column can hold, page sizes out of range.
 */
async function raw(url: string, body: unknown, accept = "application/json") {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as GraphQLResult & { data?: unknown } };
}

const codeOf = (result: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  result.errors?.[0]?.extensions?.code;
const cursor = (at: string, id: string) => Buffer.from(JSON.stringify([at, id])).toString("base64url");
const SOME_UUID = "00000000-0000-4000-8000-000000000000";

describe.each(backends().map((backend) => [backend.name, backend] as const))(
  "GraphQL over HTTP and bad input at the edge (%s)",
  (_name, backend) => {
    let campus: TestCampus;
    let admin: TestUser;
    let learner: TestUser;
    let instructor: TestUser;
    beforeAll(async () => {
      campus = await startTestCampus(backend);
      admin = await registerAdmin(campus);
      learner = await registerUser(campus);
      instructor = await registerInstructor(campus);
    });
    afterAll(() => campus?.stop());

    it("passes graphql-http's audit with no MUST failure and no SHOULD warning", async () => {
      const results = await auditServer({ url: campus.routerUrl });
      const problems = results.filter((result) => result.status !== "ok" && result.status !== "notice");
      expect(problems.map((problem) => `${problem.status} ${problem.id} ${problem.name}`)).toEqual([]);
      expect(results.filter((result) => result.status === "ok").length).toBeGreaterThan(40);
    });

    it("answers the router's refusals with a 4xx and their code", async () => {
      const aliases = `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: __typename`).join(" ")} }`;
      const deep = `{ me { enrollments { edges { node { course { instructor { enrollments { edges { node { course { instructor { enrollments { totalCount } } } } } } } } } } } } }`;
      const costly = `{ ${Array.from({ length: 6 }, (_, i) => `c${i}: courses(first: 100) { edges { node { modules { id } instructor { enrollments(first: 100) { totalCount } } } } }`).join(" ")} }`;
      for (const query of [aliases, deep, costly]) {
        const answer = await raw(campus.routerUrl, { query });
        expect({ query: query.slice(0, 40), status: answer.status, code: codeOf(answer.body) }).toEqual({
          query: query.slice(0, 40),
          status: 400,
          code: "BAD_USER_INPUT",
        });
      }
    });

    it("refuses a page size out of range before anything runs, whatever the rest of the query", async () => {
      const before = campus.databases.catalog.queries.total;
      const attack = `query {
        ${Array.from({ length: 6 }, (_, i) => `c${i}: courses(first: 100) { edges { node { title modules { title } instructor { name } } } }`).join("\n")}
        me { enrollments(first: -10000000) { totalCount } }
      }`;
      for (const body of [
        { query: attack },
        { query: "{ courses(first: 2147483647) { totalCount } }" },
        { query: "query($n: Int) { courses(first: $n) { totalCount } }", variables: { n: 2 ** 40 } },
        { query: "query($n: Int) { courses(first: $n) { totalCount } }", variables: { n: -1 } },
      ]) {
        const answer = await raw(campus.routerUrl, body);
        expect({ status: answer.status, code: codeOf(answer.body), data: answer.body.data }).toEqual({
          status: 400,
          code: "BAD_USER_INPUT",
          data: undefined,
        });
      }
      expect(campus.databases.catalog.queries.total).toBe(before);
    });

    it("an operation name that names nothing, or two operations and no name: OPERATION_RESOLUTION_FAILURE", async () => {
      for (const body of [
        { query: "query A { __typename }", operationName: "B" },
        { query: "query A { __typename } query B { __typename }" },
      ]) {
        const plain = await raw(campus.routerUrl, body);
        expect({ status: plain.status, code: codeOf(plain.body) }).toEqual({
          status: 200,
          code: "OPERATION_RESOLUTION_FAILURE",
        });
        const modern = await raw(campus.routerUrl, body, "application/graphql-response+json");
        expect({ status: modern.status, code: codeOf(modern.body) }).toEqual({
          status: 400,
          code: "OPERATION_RESOLUTION_FAILURE",
        });
      }
    });

    it("a persisted-query hash that does not match its query: 400 BAD_REQUEST", async () => {
      const answer = await raw(campus.routerUrl, {
        query: "{ __typename }",
        extensions: { persistedQuery: { version: 1, sha256Hash: "a".repeat(64) } },
      });
      expect({ status: answer.status, code: codeOf(answer.body) }).toEqual({ status: 400, code: "BAD_REQUEST" });
    });

    it("cursors this API did not issue are BAD_USER_INPUT on every connection", async () => {
      const forged = [
        cursor("2026-01-01T00:00:00.000Z", "not-a-uuid"),
        cursor("+275760-09-13T00:00:00.000Z", SOME_UUID),
        cursor("-000001-01-01T00:00:00.000Z", SOME_UUID),
        cursor("2026-01-01T00:00:00.000Z", `\u0000${SOME_UUID}`),
        cursor("2026-01-01T00:00:00.000Z\u0000", SOME_UUID),
        cursor("Jan 1 2026", SOME_UUID),
        "%%%",
        Buffer.from("[1,2,3]").toString("base64url"),
      ];
      const connections: [string, string | undefined][] = [
        ["query($a: String) { courses(first: 1, after: $a) { totalCount } }", undefined],
        ["query($a: String) { users(first: 1, after: $a) { totalCount } }", admin.accessToken],
        ["query($a: String) { enrollments(first: 1, after: $a) { totalCount } }", learner.accessToken],
        ["query($a: String) { me { enrollments(first: 1, after: $a) { totalCount } } }", learner.accessToken],
      ];
      for (const [query, token] of connections) {
        for (const after of forged) {
          const answer = await campus.gql(query, { a: after }, token);
          expect({ query, after, code: codeOf(answer) }).toEqual({ query, after, code: "BAD_USER_INPUT" });
        }
      }
    });

    it("NUL and unpaired surrogates are refused in every text input, variables and literals", async () => {
      const bad = ["a\u0000b", "x\ud800", "\udc00y"];
      for (const text of bad) {
        const register = await campus.gql(`mutation($i: RegisterInput!) { register(input: $i) { accessToken } }`, {
          i: { email: `ok${Date.now()}@example.com`, password: "a long passphrase", name: text },
        });
        const email = await campus.gql(`mutation($i: RegisterInput!) { register(input: $i) { accessToken } }`, {
          i: { email: `${text}@example.com`, password: "a long passphrase", name: "Fine" },
        });
        const title = await campus.gql(
          `mutation($i: CreateCourseInput!) { createCourse(input: $i) { id } }`,
          { i: { title: text, description: "d", level: "BEGINNER", price: { amount: 0, currency: "EUR" } } },
          instructor.accessToken,
        );
        const slug = await campus.gql(`query($s: String!) { courseBySlug(slug: $s) { id } }`, { s: text });
        const search = await campus.gql(
          `query($s: String) { users(first: 5, filter: { search: $s }) { totalCount } }`,
          { s: text },
          admin.accessToken,
        );
        // In a literal, an unpaired surrogate escape does not even parse (GRAPHQL_PARSE_FAILED): also a stable code.
        const literal = await campus.gql(`{ courseBySlug(slug: ${JSON.stringify(text)}) { id } }`);
        expect(["BAD_USER_INPUT", "GRAPHQL_PARSE_FAILED"]).toContain(codeOf(literal));
        for (const answer of [register, email, title, slug, search]) {
          expect({ text: JSON.stringify(text), status: answer.status, code: codeOf(answer) }).toEqual({
            text: JSON.stringify(text),
            status: 400,
            code: "BAD_USER_INPUT",
          });
        }
      }
    });

    it("names made of invisible or direction-changing characters are refused", async () => {
      for (const name of ["\u200b\u200c\u200d", "\u2060\ufeff\u200b", "Ad\u202ea", "\u2066admin"]) {
        const answer = await campus.gql(`mutation($i: RegisterInput!) { register(input: $i) { accessToken } }`, {
          i: { email: `n${Date.now()}${Math.random()}@example.com`, password: "a long passphrase", name },
        });
        expect({ name: JSON.stringify(name), code: codeOf(answer) }).toEqual({
          name: JSON.stringify(name),
          code: "BAD_USER_INPUT",
        });
      }
      const title = await campus.gql(
        `mutation($i: CreateCourseInput!) { createCourse(input: $i) { id } }`,
        {
          i: {
            title: "\u200b\u200b\u200b",
            description: "d",
            level: "BEGINNER",
            price: { amount: 0, currency: "EUR" },
          },
        },
        instructor.accessToken,
      );
      expect(codeOf(title)).toBe("BAD_USER_INPUT");
    });

    it("users(search) finds the characters typed: % and _ are not wildcards", async () => {
      const percent = await registerUser(campus, "Ada 100% Lovelace");
      const underscore = await registerUser(campus, "snake_case Grace");
      const search = async (s: string) =>
        (
          await campus.gql(
            `query($s: String) { users(first: 100, filter: { search: $s }) { totalCount edges { node { id } } } }`,
            { s },
            admin.accessToken,
          )
        ).data.users.edges.map((edge: { node: { id: string } }) => edge.node.id);
      expect(await search("%")).toEqual([percent.id]);
      expect(await search("_")).toEqual([underscore.id]);
      expect(await search("0% L")).toEqual([percent.id]);
      expect((await search("a")).length).toBeGreaterThan(2);
    });
  },
);

describe("with introspection off, errors do not spell out the schema", () => {
  let campus: TestCampus;
  beforeAll(async () => {
    campus = await startTestCampus(backends()[0]!, { GRAPHQL_INTROSPECTION: "false" });
  });
  afterAll(() => campus?.stop());

  it("no 'Did you mean' for fields, arguments, mutations or enum values", async () => {
    const answers = await Promise.all(
      [
        `{ courses { edges { node { titl } } } }`,
        `{ courses(frist: 1) { totalCount } }`,
        `mutation { enrol(courseId: "x") { id } }`,
        `{ courses(filter: { level: BEGINER }) { totalCount } }`,
      ].map((query) => campus.gql(query)),
    );
    for (const answer of answers) {
      expect(codeOf(answer)).toBe("GRAPHQL_VALIDATION_FAILED");
      expect(JSON.stringify(answer.errors)).not.toMatch(/Did you mean/);
    }
    const variable = await campus.gql(`query($l: CourseLevel) { courses(filter: { level: $l }) { totalCount } }`, {
      l: "BEGINER",
    });
    expect(JSON.stringify(variable.errors)).not.toMatch(/Did you mean/);
  });

  it("refuses introspection naming the setting that allows it", async () => {
    const answer = await campus.gql(`{ __schema { queryType { name } } }`);
    expect(answer.errors?.[0]?.message).toMatch(/GRAPHQL_INTROSPECTION=true/);
    expect(answer.errors?.[0]?.message).not.toMatch(/ApolloServer/);
  });
});
