import { composeServices } from "@apollo/composition";
import gql from "graphql-tag";
import { loadSupergraph, localSubgraphUrl } from "@campus/subgraph";

export interface Composition {
  subgraphs: { name: string; sdl: string }[];
  supergraphSdl?: string;
  errors: string[];
  hints: string[];
}

/** Prints each subgraph's SDL from its code (every subgraph of the list) and composes them offline. */
export function composeSupergraph(): Composition {
  const subgraphs = loadSupergraph().map((definition) => ({
    name: definition.name,
    // The URL the checked-in supergraph names; the router overrides it from config.
    url: localSubgraphUrl(definition.name),
    sdl: definition.sdl(),
  }));
  return composeSubgraphs(subgraphs);
}

/** Composes these SDLs offline (the list's, or a test's own subgraphs). */
export function composeSubgraphs(subgraphs: { name: string; url: string; sdl: string }[]): Composition {
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: gql(s.sdl) })));
  return {
    subgraphs: subgraphs.map(({ name, sdl }) => ({ name, sdl })),
    supergraphSdl: result.errors ? undefined : result.supergraphSdl,
    errors: (result.errors ?? []).map((error) => error.message),
    hints: (result.hints ?? []).map((hint) => `${hint.definition.code}: ${hint.message}`),
  };
}
