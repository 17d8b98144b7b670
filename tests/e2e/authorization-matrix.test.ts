import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { Kind, parse } from "graphql";
import { SUPERGRAPH_PATH } from "@campus/router";
import { SUBGRAPHS } from "../../supergraph";
import {
  backends,
  MATRIX_COURSE_INPUT,
  operation,
  registerAdmin,
  registerInstructor,
  registerUser,
  ROLES,
  settleEvents,
  startTestCampus,
  unique,
  type AuthorizationCase,
  type GraphQLResult,
  type MatrixFixtures,
  type MatrixHelpers,
  type Role,
  type SubgraphAuthorization,
  type TestCampus,
} from "../support";

/**
 * Who may call what, through the router, for every root field of the composed
 * supergraph. Each subgraph states what every role must get from its root
 * fields and resource rules in `subgraphs/<name>/src/<name>.authorization.ts`
 * (beside its permissions); this file finds them through the list, calls each
 * case as each role, and fails for a root field no subgraph's file covers. An
 * allowed call must really succeed, a denied one must answer UNAUTHENTICATED
 * (anonymous) or FORBIDDEN (signed in) and leave every table of every subgraph
 * as it was.
 */

const MVP_LOGIN = operation("mvp", "Login");
const MVP_CREATE_COURSE = operation("mvp", "CreateCourse");
const MVP_ADD_MODULE = operation("mvp", "AddModule");
const MVP_PUBLISH = operation("mvp", "PublishCourse");
const MVP_ENROLL = operation("mvp", "Enroll");
const COMMERCE_ADD_TO_CART = operation("commerce", "AddToCart");
const COMMERCE_CHECKOUT = operation("commerce", "Checkout");

const ROOT = path.resolve(__dirname, "../..");
const casesFile = (subgraph: string) => path.join(ROOT, "subgraphs", subgraph, "src", `${subgraph}.authorization.ts`);

/** Every subgraph's cases, by subgraph, from the files beside their permissions. */
function subgraphCases(): Record<string, SubgraphAuthorization> {
  const found: Record<string, SubgraphAuthorization> = {};
  for (const { name } of SUBGRAPHS) {
    if (!existsSync(casesFile(name))) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    found[name] = (require(casesFile(name)) as { authorization: SubgraphAuthorization }).authorization;
  }
  return found;
}

const BY_SUBGRAPH = subgraphCases();
const ROOT_CASES: Record<string, AuthorizationCase> = Object.assign(
  {},
  ...Object.values(BY_SUBGRAPH).map((cases) => cases.roots),
);
const RESOURCE_CASES: Record<string, AuthorizationCase> = Object.assign(
  {},
  ...Object.values(BY_SUBGRAPH).map((cases) => cases.resources ?? {}),
);

// ---- the supergraph's root fields ----------------------------------------------

function rootFieldsOf(sdl: string): string[] {
  const document = parse(sdl);
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

/** Root fields a subgraph serves (its SDL) that its cases file does not cover, one line each. */
function uncovered(): string[] {
  return SUBGRAPHS.flatMap(({ name }) => {
    const served = rootFieldsOf(readFileSync(path.join(ROOT, "subgraphs", name, "schema.graphql"), "utf8"));
    const covered = Object.keys(BY_SUBGRAPH[name]?.roots ?? {});
    return [
      ...served
        .filter((field) => !covered.includes(field))
        .map((field) => `${name} serves ${field}: add its case to ${path.relative(ROOT, casesFile(name))}`),
      ...covered
        .filter((field) => !served.includes(field))
        .map(
          (field) => `${path.relative(ROOT, casesFile(name))} has a case for ${field}, which ${name} does not serve`,
        ),
    ];
  });
}

describe("authorization matrix: completeness", () => {
  it("every subgraph covers each root field it serves, and nothing else", () => {
    expect(Object.keys(BY_SUBGRAPH)).toEqual(expect.arrayContaining(["identity", "catalog", "enrollment"]));
    expect(uncovered()).toEqual([]);
  });

  it("has exactly one case per Query and Mutation field of schema/supergraph.graphql", () => {
    const rootFields = rootFieldsOf(readFileSync(SUPERGRAPH_PATH, "utf8"));
    expect(rootFields.length).toBeGreaterThan(20);
    expect(Object.keys(ROOT_CASES).sort()).toEqual(rootFields);
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
function expectedOutcome(role: Role, allowed: boolean, testCase: AuthorizationCase): string {
  if (allowed) return "ok";
  if (testCase.visible) return "hidden";
  return role === "anonymous" ? "UNAUTHENTICATED" : (testCase.refusedAs ?? "FORBIDDEN");
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
    let h: MatrixHelpers;

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
      const course: MatrixHelpers["course"] = async ({ modules, publish, price }) => {
        const token = users.instructor.accessToken;
        const input = { ...MATRIX_COURSE_INPUT, title: unique("Fixture"), ...(price ? { price } : {}) };
        const created = (await must(MVP_CREATE_COURSE, { input }, token)).createCourse;
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
      const f: MatrixFixtures = {
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
        call: (role, query, variables = {}) =>
          must(query, variables, role === "anonymous" ? "" : users[role].accessToken),
        async paidOrder() {
          const { id: courseId } = await course({
            modules: 1,
            publish: true,
            price: { amount: 1900, currency: "USD" },
          });
          const token = users.learner.accessToken;
          await must(COMMERCE_ADD_TO_CART, { courseId }, token);
          const input = { idempotencyKey: unique("matrix-order").replace(/\s/g, "-"), paymentMethod: "pm_card_visa" };
          const orderId = (await must(COMMERCE_CHECKOUT, { input }, token)).checkout.order.id as string;
          for (let waited = 0; waited < 20_000; waited += 50) {
            const { order } = await must(`query($id: ID!) { order(id: $id) { status } }`, { id: orderId }, token);
            if (order.status === "FULFILLED") return { orderId, courseId };
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          throw new Error(`fixture order ${orderId} was not fulfilled`);
        },
      };
    });
    afterAll(() => campus?.stop());

    async function outcomes(name: string, testCase: AuthorizationCase) {
      const field = name.startsWith("Query.") || name.startsWith("Mutation.") ? name.split(/[. ]/)[1]! : "";
      const got: Record<string, string> = {};
      const expected: Record<string, string> = {};
      for (const role of ROLES) {
        const allowed = testCase.allowed.includes(role);
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
      expect(served).toEqual(Object.keys(ROOT_CASES).sort());
    });

    it.each(Object.keys(ROOT_CASES))("%s", async (name) => {
      const { got, expected } = await outcomes(name, ROOT_CASES[name]!);
      expect(got).toEqual(expected);
    });

    it.each(Object.keys(RESOURCE_CASES))("%s", async (name) => {
      const { got, expected } = await outcomes(name, RESOURCE_CASES[name]!);
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
