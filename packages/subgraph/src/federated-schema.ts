import "reflect-metadata";
import { buildSubgraphSchema, type GraphQLResolverMap } from "@apollo/subgraph";

import { printSchemaWithDirectives } from "@graphql-tools/utils";
import { type GraphQLSchema } from "graphql";
import { applyMiddleware } from "graphql-middleware";
import { allow, deny, shield, type IRules } from "graphql-shield";
import gql from "graphql-tag";
import { buildSchemaSync, createResolversMap, type ContainerType, type NonEmptyArray } from "type-graphql";
import { rootPermissions } from "@campus/auth";
import { forbidden } from "@campus/errors";

export interface FederatedSchemaDefinition {
  resolvers: NonEmptyArray<Function>;
  orphanedTypes?: Function[];
  /** `__resolveReference` per entity type; must go in at build time. */
  referenceResolvers?: GraphQLResolverMap<unknown>;
  /** Federation directives this subgraph uses, e.g. ["@key", "@shareable"]. */
  federationImports: string[];
  /** Creates resolver instances with their services; omitted when only printing SDL. */
  container?: ContainerType;
  /** Resource-level shield rules (ownership etc.) on top of the shared root-field RBAC. */
  permissions?: IRules;
}

const FEDERATION_URL = "https://specs.apollo.dev/federation/v2.7";

function typeGraphQLSchema(def: FederatedSchemaDefinition): GraphQLSchema {
  return buildSchemaSync({
    resolvers: def.resolvers,
    orphanedTypes: def.orphanedTypes,
    container: def.container ?? {
      get: () => {
        throw new Error("schema built for printing only");
      },
    },
    skipCheck: true,
    validate: false,
  });
}

/** The subgraph's SDL as composition sees it (what `pnpm compose` checks in). */
export function subgraphSdl(def: FederatedSchemaDefinition): string {
  const imports = def.federationImports.map((name) => `"${name}"`).join(", ");
  return `extend schema @link(url: "${FEDERATION_URL}", import: [${imports}])\n\n${printSchemaWithDirectives(typeGraphQLSchema(def))}`;
}

/**
 * Root fields get the same rules the router applies (so a direct call to the
 * subgraph is held to them too); a root field nobody listed is denied. Other
 * types are open unless the subgraph adds resource rules for them.
 */
function shieldRules(schema: GraphQLSchema, extra: IRules = {}): IRules {
  const extraRules = extra as Record<string, Record<string, unknown>>;
  const rules: Record<string, Record<string, unknown>> = { ...extraRules };
  for (const rootType of ["Query", "Mutation"] as const) {
    const type = rootType === "Query" ? schema.getQueryType() : schema.getMutationType();
    if (!type) continue;
    const shared = rootPermissions[rootType] as Record<string, unknown>;
    const own: Record<string, unknown> = {};
    for (const field of Object.keys(type.getFields())) {
      own[field] = extraRules[rootType]?.[field] ?? shared[field] ?? deny;
    }
    if (rootType === "Query") Object.assign(own, { _service: allow, _entities: allow });
    rules[rootType] = own;
  }
  return rules as IRules;
}

export function buildFederatedSchema(def: FederatedSchemaDefinition): GraphQLSchema {
  const schema = typeGraphQLSchema(def);
  const typeDefs = gql(subgraphSdl(def));
  const resolvers = createResolversMap(schema) as Record<string, Record<string, unknown>>;
  for (const [typeName, typeResolvers] of Object.entries(def.referenceResolvers ?? {})) {
    resolvers[typeName] = { ...resolvers[typeName], ...(typeResolvers as Record<string, unknown>) };
  }
  const federated = buildSubgraphSchema([{ typeDefs, resolvers: resolvers as GraphQLResolverMap<unknown> }]);
  return applyMiddleware(
    federated,
    shield(shieldRules(federated, def.permissions), {
      allowExternalErrors: true,
      fallbackRule: allow,
      fallbackError: () => forbidden(),
    }),
  );
}
