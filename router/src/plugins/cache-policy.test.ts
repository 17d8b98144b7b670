import { readFileSync } from "node:fs";
import { buildSchema, parse, type OperationDefinitionNode } from "graphql";
import { loadSupergraph } from "@campus/subgraph";
import { fragmentsOf } from "../operation";
import { SUPERGRAPH_PATH } from "../router";
import {
  cacheControlHeader,
  cacheHintsOf,
  cachePolicyOf,
  unknownHintKeys,
  type CachePolicy,
  type ResponseFacts,
} from "./cache-policy";

const schema = buildSchema(`
  type Query {
    courses: CourseConnection!
    course(id: ID!): Course
    categories: [Category!]!
    me: User
    unhinted: Course
    version: String
  }
  type Mutation { enroll(id: ID!): Course! }
  type CourseConnection { edges: [Course!]! total: Int! }
  type Course { id: ID! title: String! instructor: User! viewerHasPurchased: Boolean! category: Category price: Money! }
  type Money { amount: Int! }
  type Category { id: ID! name: String! }
  type User { id: ID! name: String! }
`);

const hints = {
  "Query.courses": { maxAge: 60 },
  "Query.course": { maxAge: 300 },
  "Query.categories": { maxAge: 3600, scope: "PUBLIC" as const },
  "Query.me": { scope: "PRIVATE" as const },
  "Query.version": { maxAge: 30, scope: "PUBLIC" as const },
  CourseConnection: { inheritMaxAge: true },
  Course: { maxAge: 300 },
  "Course.instructor": { maxAge: 120 },
  "Course.viewerHasPurchased": { scope: "PRIVATE" as const, maxAge: 0 },
  Money: { inheritMaxAge: true },
  Category: { maxAge: 3600, scope: "PUBLIC" as const },
};

function policyOf(query: string): CachePolicy {
  const document = parse(query);
  const operation = document.definitions.find((d) => d.kind === "OperationDefinition") as OperationDefinitionNode;
  return cachePolicyOf(schema, operation, fragmentsOf(document), hints);
}

describe("cache policy of an operation", () => {
  it("is the shortest maxAge of the fields; scalars and inheriting types add none", () => {
    expect(policyOf("{ courses { total edges { id title price { amount } } } }")).toEqual({
      maxAge: 60,
      scope: "PUBLIC",
      sameForEveryCaller: false,
    });
    expect(policyOf("{ course(id: 1) { title instructor { name } } }").maxAge).toBe(120);
    expect(policyOf('{ course(id: "1") { title category { name } } }').maxAge).toBe(300);
  });

  it("counts fields in fragments, inline or named", () => {
    expect(policyOf("{ course(id: 1) { ...F } } fragment F on Course { instructor { name } }").maxAge).toBe(120);
    expect(policyOf("{ course(id: 1) { ... on Course { viewerHasPurchased } } }")).toMatchObject({
      maxAge: 0,
      scope: "PRIVATE",
    });
  });

  it("is PRIVATE as soon as one field is, and not cacheable where nothing says so", () => {
    expect(policyOf("{ me { name } categories { name } }")).toMatchObject({ maxAge: 0, scope: "PRIVATE" });
    expect(policyOf("{ unhinted { title } }").maxAge).toBe(300); // the type's hint
    expect(policyOf("{ categories { name } course(id: 1) { title } }").maxAge).toBe(300);
    expect(policyOf("{ __typename }").maxAge).toBe(0);
    expect(policyOf("{ __schema { queryType { name } } categories { name } }").maxAge).toBe(0);
  });

  it("is the same for every caller only when every field says PUBLIC (scalars follow their parent)", () => {
    expect(policyOf("{ categories { id name } }")).toEqual({ maxAge: 3600, scope: "PUBLIC", sameForEveryCaller: true });
    expect(policyOf("{ version categories { name } }")).toEqual({
      maxAge: 30,
      scope: "PUBLIC",
      sameForEveryCaller: true,
    });
    expect(policyOf("{ categories { name } courses { total } }").sameForEveryCaller).toBe(false);
    expect(policyOf("{ course(id: 1) { category { name } } }").sameForEveryCaller).toBe(false);
  });
});

describe("Cache-Control of a response", () => {
  const publicPolicy = (): CachePolicy => ({ maxAge: 60, scope: "PUBLIC", sameForEveryCaller: false });
  const facts = (over: Partial<ResponseFacts>): ResponseFacts => ({
    method: "GET",
    operation: "query",
    hasErrors: false,
    signedIn: false,
    policy: publicPolicy,
    ...over,
  });

  it("lets anyone keep an anonymous GET of public fields, and only the browser a private one", () => {
    expect(cacheControlHeader(facts({}))).toBe("public, max-age=60");
    expect(cacheControlHeader(facts({ policy: () => ({ ...publicPolicy(), scope: "PRIVATE" }) }))).toBe(
      "private, max-age=60",
    );
  });

  it("stores nothing for POSTs, mutations, errors and maxAge 0", () => {
    expect(cacheControlHeader(facts({ method: "POST" }))).toBe("no-store");
    expect(cacheControlHeader(facts({ operation: "mutation" }))).toBe("no-store");
    expect(cacheControlHeader(facts({ hasErrors: true }))).toBe("no-store");
    expect(cacheControlHeader(facts({ policy: () => ({ ...publicPolicy(), maxAge: 0 }) }))).toBe("no-store");
  });

  it("caches a signed-in caller's answer only when it is the same for every caller", () => {
    expect(cacheControlHeader(facts({ signedIn: true }))).toBe("no-store");
    expect(
      cacheControlHeader(facts({ signedIn: true, policy: () => ({ ...publicPolicy(), sameForEveryCaller: true }) })),
    ).toBe("public, max-age=60");
  });
});

describe("the subgraphs' cache hints", () => {
  it("name types and fields of the supergraph, and no two subgraphs disagree", () => {
    const supergraph = buildSchema(readFileSync(SUPERGRAPH_PATH, "utf8"), { assumeValidSDL: true });
    const table = cacheHintsOf(loadSupergraph());
    expect(Object.keys(table).length).toBeGreaterThan(10);
    expect(unknownHintKeys(supergraph, table)).toEqual([]);
  });

  it("refuses two different hints for one key", () => {
    expect(() =>
      cacheHintsOf([
        { name: "a", cacheHints: { PageInfo: { inheritMaxAge: true } } },
        { name: "b", cacheHints: { PageInfo: { maxAge: 5 } } },
      ]),
    ).toThrow("PageInfo has different cache hints in a and b");
    expect(unknownHintKeys(schema, { Nope: {}, "Course.nope": {}, "Course.title": {} })).toEqual([
      "Nope",
      "Course.nope",
    ]);
  });
});
