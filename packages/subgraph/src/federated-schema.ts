import "reflect-metadata";
import { buildSubgraphSchema, type GraphQLResolverMap } from "@apollo/subgraph";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import { type GraphQLSchema } from "graphql";
import { applyMiddleware } from "graphql-middleware";
import { allow, deny, shield, type IRules } from "graphql-shield";
import type { ShieldRule } from "graphql-shield/typings/types";
import gql from "graphql-tag";
import { buildSchemaSync, createResolversMap, type ContainerType, type NonEmptyArray } from "type-graphql";
import { forbidden } from "@campus/errors";

/** A subgraph's GraphQL: type-graphql resolver classes and the federation directives it uses. */
export interface SubgraphGraphQL {
  resolvers: NonEmptyArray<Function>;
  orphanedTypes?: Function[];
  /** Federation directives this subgraph uses, e.g. ["@key", "@shareable"]. */
  federation: string[];
}

/**
 * Who may call what, declared by the subgraph beside its resolvers: the rule of
 * every root field it serves (`Query`, `Mutation`; a root field missing here is
 * denied, by the subgraph and by the router, which gathers every subgraph's
 * root rules), and resource rules on other types (ownership of a field).
 */
export type SubgraphPermissions = {
  Query?: Record<string, ShieldRule>;
  Mutation?: Record<string, ShieldRule>;
} & Record<string, Record<string, ShieldRule> | undefined>;

const FEDERATION_URL = "https://specs.apollo.dev/federation/v2.7";

function typeGraphQLSchema(graphql: SubgraphGraphQL, container?: ContainerType): GraphQLSchema {
  return buildSchemaSync({
    resolvers: graphql.resolvers,
    orphanedTypes: graphql.orphanedTypes,
    container: container ?? {
      get: () => {
        throw new Error("schema built for printing only");
      },
    },
    skipCheck: true,
    validate: false,
  });
}

/** The subgraph's SDL as composition sees it (what `pnpm compose` checks in). */
export function subgraphSdl(graphql: SubgraphGraphQL): string {
  const imports = graphql.federation.map((name) => `"${name}"`).join(", ");
  return `extend schema @link(url: "${FEDERATION_URL}", import: [${imports}])\n\n${printSchemaWithDirectives(typeGraphQLSchema(graphql))}`;
}

/**
 * Root fields get the rules the subgraph declares (the same the router
 * applies, so a direct call is held to them too); a root field nobody listed is
 * denied. Other types are open unless the subgraph adds resource rules.
 */
function shieldRules(schema: GraphQLSchema, permissions: SubgraphPermissions): IRules {
  const rules: Record<string, Record<string, unknown>> = {};
  for (const [type, fields] of Object.entries(permissions)) if (fields) rules[type] = { ...fields };
  for (const rootType of ["Query", "Mutation"] as const) {
    const type = rootType === "Query" ? schema.getQueryType() : schema.getMutationType();
    if (!type) continue;
    const own: Record<string, unknown> = {};
    for (const field of Object.keys(type.getFields())) own[field] = permissions[rootType]?.[field] ?? deny;
    // Federation's own fields: only the router (holding the proof) ever reaches them.
    if (rootType === "Query") Object.assign(own, { _service: allow, _entities: allow });
    rules[rootType] = own;
  }
  return rules as IRules;
}

export interface FederatedSchemaOptions {
  graphql: SubgraphGraphQL;
  permissions: SubgraphPermissions;
  /** Supplies resolver instances (with their services). */
  container: ContainerType;
  /** `__resolveReference` per entity type; must go in at build time. */
  references?: GraphQLResolverMap<unknown>;
}

export function buildFederatedSchema(options: FederatedSchemaOptions): GraphQLSchema {
  const schema = typeGraphQLSchema(options.graphql, options.container);
  const typeDefs = gql(subgraphSdl(options.graphql));
  const resolvers = createResolversMap(schema) as Record<string, Record<string, unknown>>;
  for (const [typeName, typeResolvers] of Object.entries(options.references ?? {})) {
    resolvers[typeName] = { ...resolvers[typeName], ...(typeResolvers as Record<string, unknown>) };
  }
  const federated = buildSubgraphSchema([{ typeDefs, resolvers: resolvers as GraphQLResolverMap<unknown> }]);
  return applyMiddleware(
    federated,
    shield(shieldRules(federated, options.permissions), {
      allowExternalErrors: true,
      fallbackRule: allow,
      fallbackError: () => forbidden(),
    }),
  );
}
