import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, visit, type ValidationRule } from "graphql";
import { badInput } from "@campus/errors";

/**
 * Replaces Apollo's introspection refusal, whose message tells operators to
 * edit code ("pass introspection: true to ApolloServer"): Campus turns it on
 * with a setting.
 */
export const introspectionDisabled: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === "__schema" || node.name.value === "__type") {
      context.reportError(
        new GraphQLError("Introspection is disabled on this server (GRAPHQL_INTROSPECTION=true turns it on)", {
          nodes: [node],
          extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
        }),
      );
    }
  },
});

/**
 * Text no Campus field can store or show: NUL (PostgreSQL refuses it in
 * text) and lone UTF-16 surrogates (not Unicode, so not valid UTF-8 either).
 */
export function isStorableText(value: string): boolean {
  return !value.includes("\u0000") && (value as string & { isWellFormed(): boolean }).isWellFormed();
}

function firstUnstorable(value: unknown, path: string): string | undefined {
  if (typeof value === "string") return isStorableText(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = firstUnstorable(item, `${path}[${index}]`);
      if (found) return found;
    }
  } else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const found = firstUnstorable(item, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * Refuses a request whose variables or string literals hold text no field can
 * store, before anything runs: BAD_USER_INPUT naming where, never a database
 * error surfacing as INTERNAL.
 */
export function storableTextPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const inVariables = firstUnstorable(request.variables ?? {}, "");
          if (inVariables) {
            throw badInput(`Variable \`${inVariables}\` contains a NUL character or an unpaired surrogate`, {
              field: inVariables,
            });
          }
          let literal = false;
          visit(document, {
            StringValue(node) {
              if (!isStorableText(node.value)) literal = true;
            },
          });
          if (literal) throw badInput("A string in the query contains a NUL character or an unpaired surrogate");
        },
      };
    },
  };
}
