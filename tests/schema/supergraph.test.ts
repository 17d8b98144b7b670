import { readFileSync } from "node:fs";
import path from "node:path";
import { composeSupergraph } from "@campus/router";

const schemaDir = path.resolve(__dirname, "../../schema");

/**
 * The checked-in SDLs are what partners and the router rely on. If code and
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

  it.each(["identity", "catalog", "enrollment"])("schema/%s.graphql matches the code", (name) => {
    const sdl = result.subgraphs.find((s) => s.name === name)?.sdl;
    expect(readFileSync(path.join(schemaDir, `${name}.graphql`), "utf8")).toBe(sdl);
  });

  it("schema/supergraph.graphql matches the code", () => {
    expect(readFileSync(path.join(schemaDir, "supergraph.graphql"), "utf8")).toBe(result.supergraphSdl);
  });
});
