import type { ApolloServerPlugin } from "@apollo/server";
import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
} from "graphql";
import { badInput } from "@campus/errors";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "@campus/subgraph";
import { fragmentsOf, variablesOf, type Fragments } from "../operation";

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

const PAGE_ARGUMENTS = ["first", "last"];

interface Walk {
  schema: GraphQLSchema;
  fragments: Fragments;
  variables: Record<string, unknown>;
}

/**
 * How many items a field may return: its `first`/`last`, validated here so
 * the price is never computed from a value a subgraph would refuse later (a
 * negative `first` must not make a query cheap), or the field's default page
 * size when the argument is left out.
 */
function pageSizeOf(field: GraphQLField<unknown, unknown> | undefined, args: Record<string, unknown>): number {
  for (const name of PAGE_ARGUMENTS) {
    const given = args[name];
    if (given === undefined || given === null) continue;
    if (typeof given !== "number" || !Number.isInteger(given) || given < 0 || given > MAX_PAGE_SIZE) {
      throw badInput(`\`${name}\` must be a whole number from 0 to ${MAX_PAGE_SIZE}`, { limit: "pageSize" });
    }
    return given;
  }
  const declared = field?.args.find((arg) => PAGE_ARGUMENTS.includes(arg.name));
  if (!declared) return 1;
  return typeof declared.defaultValue === "number" ? declared.defaultValue : DEFAULT_PAGE_SIZE;
}

/**
 * Estimated cost: each field costs 1, and a field's children cost as many
 * times as it can return items. So `courses(first: 100) { edges { node {
 * modules { … } } } }` is priced for 100 courses.
 */
function measure(selectionSet: SelectionSetNode, parent: GraphQLNamedType | undefined, walk: Walk, seen: Set<string>) {
  const result: Measure = { depth: 0, aliases: 0, cost: 0 };
  const fields = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields() : {};
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.alias) result.aliases += 1;
      const field = fields[selection.name.value];
      const args = Object.fromEntries(
        (selection.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value, walk.variables)]),
      );
      const size = pageSizeOf(field, args);
      const child = selection.selectionSet
        ? measure(selection.selectionSet, field ? getNamedType(field.type) : undefined, walk, seen)
        : { depth: 0, aliases: 0, cost: 0 };
      result.depth = Math.max(result.depth, child.depth + 1);
      result.cost += 1 + size * child.cost;
      result.aliases += child.aliases;
      continue;
    }
    let child: Measure = { depth: 0, aliases: 0, cost: 0 };
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? walk.schema.getType(selection.typeCondition.name.value) : parent;
      child = measure(selection.selectionSet, type ?? undefined, walk, seen);
    } else if (!seen.has(selection.name.value) && walk.fragments[selection.name.value]) {
      const fragment = walk.fragments[selection.name.value]!;
      child = measure(
        fragment.selectionSet,
        walk.schema.getType(fragment.typeCondition.name.value) ?? undefined,
        walk,
        new Set([...seen, selection.name.value]),
      );
    }
    result.depth = Math.max(result.depth, child.depth);
    result.aliases += child.aliases;
    result.cost += child.cost;
  }
  return result;
}

/** Depth, alias and cost limits, checked before any subgraph is called; a refusal is HTTP 400 BAD_USER_INPUT. */
export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, schema }) {
          if (!operation) return;
          const root = operation.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
          const walk = {
            schema,
            fragments: fragmentsOf(document),
            variables: variablesOf(operation, request.variables),
          };
          const found = measure(operation.selectionSet, root ?? undefined, walk, new Set());
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
