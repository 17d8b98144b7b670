import type { ApolloServerPlugin } from "@apollo/server";
import { valueFromASTUntyped } from "graphql";
import { rootPermissions, type Viewer } from "@campus/auth";
import { forbidden } from "@campus/errors";
import { fragmentsOf, rootFields } from "../operation";

export interface RouterContext {
  viewer: Viewer;
}

interface EvaluableRule {
  resolve(parent: unknown, args: unknown, ctx: unknown, info: unknown, options: unknown): Promise<boolean | Error>;
}

const SHIELD_OPTIONS = { debug: false, allowExternalErrors: true, hashFunction: JSON.stringify };

/**
 * RBAC before any subgraph is called. Apollo Gateway never runs field
 * resolvers, so graphql-shield cannot wrap them here; instead the same rule
 * objects (from @campus/auth) are evaluated against the operation's root
 * fields once it is parsed and validated. Anything not listed is denied.
 */
export function authorizationPlugin(): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue, request }) {
          if (!operation) return;
          const type =
            operation.operation === "mutation" ? "Mutation" : operation.operation === "query" ? "Query" : undefined;
          if (!type) throw forbidden("Subscriptions are not served");
          // shield keeps per-request rule results here
          const ctx = { ...contextValue, _shield: { cache: {} } };
          for (const field of rootFields(operation, fragmentsOf(document))) {
            const name = field.name.value;
            if (name === "__typename" || name === "__schema" || name === "__type") continue;
            const rule = (rootPermissions[type] as Record<string, EvaluableRule | undefined>)[name];
            if (!rule) throw forbidden(`${type}.${name} is not available`);
            const args = Object.fromEntries(
              (field.arguments ?? []).map((arg) => [
                arg.name.value,
                valueFromASTUntyped(arg.value, request.variables ?? {}),
              ]),
            );
            const verdict = await rule.resolve(undefined, args, ctx, undefined, SHIELD_OPTIONS);
            if (verdict instanceof Error) throw verdict;
            if (verdict !== true) throw forbidden();
          }
        },
      };
    },
  };
}
