import { buildSchema, parse, type OperationDefinitionNode } from "graphql";
import { clientOf, deprecatedUsesOf } from "./deprecation";

const schema = buildSchema(`
  type Query { course(id: ID!, slug: String @deprecated(reason: "Use id")): Course, ping: String }
  type Course { id: ID! rating: Int @deprecated(reason: "Deprecated 2026-09-01") level(as: Format): String }
  enum Format { SHORT LONG @deprecated }
`);

function usesOf(query: string, variables: Record<string, unknown> = {}, operationName?: string) {
  const document = parse(query);
  const operation = document.definitions.find(
    (d) => d.kind === "OperationDefinition" && (!operationName || d.name?.value === operationName),
  ) as OperationDefinitionNode;
  return deprecatedUsesOf(schema, document, operation, variables).map((use) => use.coordinate);
}

describe("deprecated uses of an operation", () => {
  it("finds them through fragments, once each, and only in the operation that runs", () => {
    const query = `
      query A { course(id: 1) { ...C ...C } }
      query B { course(id: 1, slug: "x") { id } }
      fragment C on Course { rating level(as: LONG) }`;
    expect(usesOf(query, {}, "A")).toEqual(["Course.rating", "Format.LONG"]);
    expect(usesOf(query, {}, "B")).toEqual(["Query.course(slug:)"]);
  });

  it("finds enum values sent in variables", () => {
    expect(usesOf("query ($f: Format) { course(id: 1) { level(as: $f) } }", { f: "LONG" })).toEqual(["Format.LONG"]);
    expect(usesOf("query ($f: Format) { course(id: 1) { level(as: $f) } }", { f: "SHORT" })).toEqual([]);
    expect(usesOf("{ ping }")).toEqual([]);
  });
});

describe("the client of a request", () => {
  it("is the partner when the viewer carries one, else the name the client gives, else unknown", () => {
    expect(clientOf({ partner: { id: "p-1", scopes: [] } }, "web")).toBe("partner:p-1");
    expect(clientOf({ userId: "u", roles: [] }, " campus-web ")).toBe("campus-web");
    expect(clientOf(undefined, undefined)).toBe("unknown");
    expect(clientOf({}, "x".repeat(101))).toBe("unknown");
    expect(clientOf({}, "bad\nname")).toBe("unknown");
  });
});
