import type { ApolloServerPlugin } from "@apollo/server";
import { Kind, valueFromASTUntyped, type SelectionSetNode } from "graphql";
import { badInput } from "@campus/errors";
import type { Fragments } from "../operation";

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
}

interface Measure {
  depth: number;
  aliases: number;
  cost: number;
}

/**
 * Estimated cost: each field costs 1, and a field's children cost as many
 * times as it can return items (`first`/`last`, else 1). So `courses(first:
 * 100) { edges { node { modules { … } } } }` is priced for 100 courses.
 */
function measure(
  selectionSet: SelectionSetNode,
  fragments: Fragments,
  variables: Record<string, unknown>,
  seen: Set<string>,
): Measure {
  let depth = 0;
  let aliases = 0;
  let cost = 0;
  for (const selection of selectionSet.selections) {
    let child: Measure = { depth: 0, aliases: 0, cost: 0 };
    if (selection.kind === Kind.FIELD) {
      if (selection.alias) aliases += 1;
      if (selection.selectionSet) child = measure(selection.selectionSet, fragments, variables, seen);
      const sizeArg = selection.arguments?.find((arg) => arg.name.value === "first" || arg.name.value === "last");
      const size = sizeArg ? Number(valueFromASTUntyped(sizeArg.value, variables)) || 1 : 1;
      depth = Math.max(depth, child.depth + 1);
      cost += 1 + size * child.cost;
      aliases += child.aliases;
      continue;
    }
    if (selection.kind === Kind.INLINE_FRAGMENT) child = measure(selection.selectionSet, fragments, variables, seen);
    else if (!seen.has(selection.name.value) && fragments[selection.name.value]) {
      child = measure(
        fragments[selection.name.value]!.selectionSet,
        fragments,
        variables,
        new Set([...seen, selection.name.value]),
      );
    }
    depth = Math.max(depth, child.depth);
    aliases += child.aliases;
    cost += child.cost;
  }
  return { depth, aliases, cost };
}

export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request }) {
          if (!operation) return;
          const fragments = Object.fromEntries(
            document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [])),
          );
          const found = measure(operation.selectionSet, fragments, request.variables ?? {}, new Set());
          if (found.depth > limits.maxDepth)
            throw badInput(`Query depth ${found.depth} exceeds the limit of ${limits.maxDepth}`, { limit: "depth" });
          if (found.aliases > limits.maxAliases)
            throw badInput(`Query uses ${found.aliases} aliases; the limit is ${limits.maxAliases}`, {
              limit: "aliases",
            });
          if (found.cost > limits.maxCost)
            throw badInput(`Query cost ${found.cost} exceeds the limit of ${limits.maxCost}`, { limit: "cost" });
        },
      };
    },
  };
}
