import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Supergraph } from "@apollo/federation-internals";
import { parse, validate } from "graphql";
import { composeSupergraph } from "@campus/router";
import { SUBGRAPHS } from "@campus/subgraph";

const schemaDir = path.resolve(__dirname, "../../schema");

/**
 * The checked-in SDLs (subgraphs/<name>/schema.graphql, schema/supergraph.graphql)
 * are what partners and the router rely on. If code and
 * files drift, this fails: run `pnpm compose` and review the diff.
 */
describe("supergraph", () => {
  const result = composeSupergraph();

  it("composes without errors", () => {
    expect(result.errors).toEqual([]);
  });

  it("composes without hints worth fixing", () => {
    expect(result.hints).toEqual([]);
  });

  it.each(SUBGRAPHS.map((entry) => entry.name))("subgraphs/%s/schema.graphql matches the code", (name) => {
    const sdl = result.subgraphs.find((s) => s.name === name)?.sdl;
    expect(sdl).toBeDefined();
    expect(readFileSync(path.join(schemaDir, "..", "subgraphs", name, "schema.graphql"), "utf8")).toBe(sdl);
  });

  it("schema/supergraph.graphql matches the code", () => {
    expect(readFileSync(path.join(schemaDir, "supergraph.graphql"), "utf8")).toBe(result.supergraphSdl);
  });
});

/**
 * schema/operations/*.graphql are the operations Campus guarantees (copies of
 * the shared API contract): every one must be valid against the API the
 * router serves, or a change broke a client.
 */
describe("guaranteed operations", () => {
  const api = Supergraph.build(readFileSync(path.join(schemaDir, "supergraph.graphql"), "utf8"))
    .apiSchema()
    .toGraphQLJSSchema();
  const files = readdirSync(path.join(schemaDir, "operations")).filter((file) => file.endsWith(".graphql"));

  it("are checked in", () => {
    expect(files).toContain("mvp.graphql");
  });

  it.each(files)("schema/operations/%s is valid against the served API", (file) => {
    const document = parse(readFileSync(path.join(schemaDir, "operations", file), "utf8"));
    expect(validate(api, document).map((error) => error.message)).toEqual([]);
    expect(document.definitions.length).toBeGreaterThan(0);
  });

  it("the check notices an operation the API no longer serves", () => {
    const document = parse(`query Gone { courses(first: 1) { edges { node { nonexistent } } } }`);
    expect(validate(api, document)).not.toHaveLength(0);
  });
});
