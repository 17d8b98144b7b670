import path from "node:path";
import { REPO_ROOT } from "@campus/database";
import { ROUTER_PORT, SUBGRAPHS, type SubgraphEntry } from "../../../supergraph";
import type { SubgraphDefinition } from "./define";

export { ROUTER_PORT, SUBGRAPHS, type SubgraphEntry };

/**
 * The definition a subgraph's folder exports (`export const subgraph =
 * defineSubgraph(…)` from subgraphs/<name>/src/index.ts), loaded by path so
 * that the router and the embedded runtime read the list without a package
 * dependency on each subgraph: adding one stays a folder and one line.
 */
export function loadSubgraph<Services = unknown>(name: string): SubgraphDefinition<Services> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = require(path.join(REPO_ROOT, "subgraphs", name)) as { subgraph?: SubgraphDefinition<Services> };
  const definition = exported.subgraph;
  if (definition?.kind !== "campus-subgraph" || definition.name !== name) {
    throw new Error(
      `subgraphs/${name}/src/index.ts must export \`subgraph\`, made by defineSubgraph({ name: "${name}", … })`,
    );
  }
  return definition;
}

/** Every subgraph of the list, in its order. */
export function loadSupergraph(): SubgraphDefinition[] {
  return SUBGRAPHS.map((entry) => loadSubgraph(entry.name));
}
