import { composeServices } from "@apollo/composition";
import gql from "graphql-tag";
import { catalogSchema } from "@campus/catalog";
import { enrollmentSchema } from "@campus/enrollment";
import { identitySchema } from "@campus/identity";
import { subgraphSdl, type FederatedSchemaDefinition } from "@campus/subgraph";

/** Every subgraph, with the URL the checked-in supergraph names (the router overrides it from config). */
export const SUBGRAPHS: { name: string; url: string; definition: () => FederatedSchemaDefinition }[] = [
  { name: "identity", url: "http://127.0.0.1:4001/graphql", definition: () => identitySchema() },
  { name: "catalog", url: "http://127.0.0.1:4002/graphql", definition: () => catalogSchema() },
  { name: "enrollment", url: "http://127.0.0.1:4003/graphql", definition: () => enrollmentSchema() },
];

export interface Composition {
  subgraphs: { name: string; sdl: string }[];
  supergraphSdl?: string;
  errors: string[];
  hints: string[];
}

/** Prints each subgraph's SDL from code and composes them offline. */
export function composeSupergraph(): Composition {
  const subgraphs = SUBGRAPHS.map((s) => ({ name: s.name, url: s.url, sdl: subgraphSdl(s.definition()) }));
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: gql(s.sdl) })));
  return {
    subgraphs: subgraphs.map(({ name, sdl }) => ({ name, sdl })),
    supergraphSdl: result.errors ? undefined : result.supergraphSdl,
    errors: (result.errors ?? []).map((error) => error.message),
    hints: (result.hints ?? []).map((hint) => `${hint.definition.code}: ${hint.message}`),
  };
}
