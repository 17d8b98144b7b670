import type { ApolloServerPlugin } from "@apollo/server";
import { valueFromASTUntyped } from "graphql";
import type { PartnerRecord, Viewer } from "@campus/auth";
import type { SubgraphDefinition } from "@campus/subgraph";
import { forbidden } from "@campus/errors";
import { fragmentsOf, rootFields } from "../operation";

export interface RouterContext {
  viewer: Viewer;
  /** A partner key's record (partner-authentication.ts); its viewer carries the scopes. */
  partner?: PartnerRecord;
}

interface EvaluableRule {
  resolve(parent: unknown, args: unknown, ctx: unknown, info: unknown, options: unknown): Promise<boolean | Error>;
}

const SHIELD_OPTIONS = { debug: false, allowExternalErrors: true, hashFunction: JSON.stringify };

export interface RootPermissions {
  Query: Record<string, EvaluableRule>;
  Mutation: Record<string, EvaluableRule>;
}

/**
 * Every subgraph declares the rules of its own root fields beside its code
 * (`<name>.permissions.ts`); the router gathers them into one table. Two
 * subgraphs claiming one root field is a mistake composition would also
 * refuse, so it stops the router.
 */
export function rootPermissionsOf(subgraphs: Pick<SubgraphDefinition, "name" | "permissions">[]): RootPermissions {
  const table: RootPermissions = { Query: {}, Mutation: {} };
  const owner = new Map<string, string>();
  for (const subgraph of subgraphs) {
    for (const type of ["Query", "Mutation"] as const) {
      for (const [field, rule] of Object.entries(subgraph.permissions[type] ?? {})) {
        const key = `${type}.${field}`;
        if (owner.has(key)) throw new Error(`${key} has rules in both ${owner.get(key)} and ${subgraph.name}`);
        owner.set(key, subgraph.name);
        table[type][field] = rule as unknown as EvaluableRule;
      }
    }
  }
  return table;
}

/** One root field's rule for a caller: true, or the error it refuses with (a field not listed is FORBIDDEN). */
export async function evaluateRootRule(
  rootPermissions: RootPermissions,
  type: "Query" | "Mutation",
  name: string,
  args: Record<string, unknown>,
  context: { viewer: Viewer },
): Promise<true | Error> {
  const rule = rootPermissions[type][name];
  if (!rule) return forbidden(`${type}.${name} is not available`);
  // shield keeps per-request rule results here
  const ctx = { ...context, _shield: { cache: {} } };
  const verdict = await rule.resolve(undefined, args, ctx, undefined, SHIELD_OPTIONS);
  if (verdict instanceof Error) return verdict;
  return verdict === true ? true : forbidden();
}

/**
 * RBAC before any subgraph is called. Apollo Gateway never runs field
 * resolvers, so graphql-shield cannot wrap them here; instead the same rule
 * objects (the subgraphs' own, see rootPermissionsOf) are evaluated against
 * the operation's root fields once it is parsed and validated. Anything not
 * listed is denied.
 */
export function authorizationPlugin(rootPermissions: RootPermissions): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue, request }) {
          if (!operation) return;
          const type =
            operation.operation === "mutation" ? "Mutation" : operation.operation === "query" ? "Query" : undefined;
          if (!type) throw forbidden("Subscriptions are not served");
          for (const field of rootFields(operation, fragmentsOf(document))) {
            const name = field.name.value;
            if (name === "__typename" || name === "__schema" || name === "__type") continue;
            const args = Object.fromEntries(
              (field.arguments ?? []).map((arg) => [
                arg.name.value,
                valueFromASTUntyped(arg.value, request.variables ?? {}),
              ]),
            );
            const verdict = await evaluateRootRule(rootPermissions, type, name, args, contextValue);
            if (verdict !== true) throw verdict;
          }
        },
      };
    },
  };
}
