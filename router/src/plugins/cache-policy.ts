import {
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import type { CacheHint, CacheHints, SubgraphDefinition } from "@campus/subgraph";
import type { Fragments } from "../operation";

export interface CachePolicy {
  /** Seconds; 0 means not cacheable. */
  maxAge: number;
  scope: "PUBLIC" | "PRIVATE";
  /** Every field is explicitly PUBLIC (directly, or as a scalar of an explicitly PUBLIC parent). */
  sameForEveryCaller: boolean;
}

/**
 * Every subgraph declares the hints of its own types and fields
 * (`<name>.cache-hints.ts`); the router gathers them into one table, as it
 * gathers root permissions. A shared type (PageInfo, Money) may be hinted by
 * several subgraphs, but only alike: two different hints stop the router.
 */
export function cacheHintsOf(subgraphs: Pick<SubgraphDefinition, "name" | "cacheHints">[]): CacheHints {
  const table: CacheHints = {};
  const owner = new Map<string, string>();
  for (const subgraph of subgraphs) {
    for (const [key, hint] of Object.entries(subgraph.cacheHints)) {
      const known = table[key];
      if (known && JSON.stringify(known) !== JSON.stringify(hint)) {
        throw new Error(`${key} has different cache hints in ${owner.get(key)} and ${subgraph.name}`);
      }
      table[key] = hint;
      owner.set(key, subgraph.name);
    }
  }
  return table;
}

/** Hint keys that name no type or field of `schema` (a rename the hints did not follow). */
export function unknownHintKeys(schema: GraphQLSchema, hints: CacheHints): string[] {
  return Object.keys(hints).filter((key) => {
    const [typeName, fieldName] = key.split(".");
    const type = schema.getType(typeName!);
    if (!type) return true;
    if (fieldName === undefined) return false;
    return !(isObjectType(type) || isInterfaceType(type)) || !type.getFields()[fieldName];
  });
}

/**
 * The policy of an operation's response, by Apollo's cache control rules
 * (ApolloServerPluginCacheControl) applied to the operation's fields instead
 * of the resolved ones, since the gateway resolves none: a field's hint is its
 * type's, replaced by its own; a root field or a composite field without a
 * maxAge gets `defaultMaxAge`, a scalar or an `inheritMaxAge` field adds
 * nothing (it lives as long as its parent); the response lives as long as its
 * shortest-lived field and is PRIVATE as soon as one field is. Fields under
 * a `@skip`/`@include` or a type condition count whether or not they end up
 * in the response, which can only make the policy stricter.
 */
export function cachePolicyOf(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Fragments,
  hints: CacheHints,
  defaultMaxAge = 0,
): CachePolicy {
  let maxAge = Infinity;
  let scope: CachePolicy["scope"] = "PUBLIC";
  let sameForEveryCaller = true;
  const root = schema.getRootType(operation.operation);
  if (!root) return { maxAge: 0, scope, sameForEveryCaller: false };

  const visit = (
    selectionSet: SelectionSetNode,
    parentType: GraphQLCompositeType,
    parentPublic: boolean,
    seen: ReadonlySet<string>,
  ) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parentType;
        if (type && isCompositeType(type)) visit(selection.selectionSet, type, parentPublic, seen);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments[selection.name.value];
        if (!fragment || seen.has(fragment.name.value)) continue;
        const type = schema.getType(fragment.typeCondition.name.value);
        if (type && isCompositeType(type)) {
          visit(fragment.selectionSet, type, parentPublic, new Set([...seen, fragment.name.value]));
        }
        continue;
      }
      const name = selection.name.value;
      if (name === "__typename") continue;
      const isRoot = parentType === root;
      const field = isObjectType(parentType) || isInterfaceType(parentType) ? parentType.getFields()[name] : undefined;
      if (!field) {
        // introspection (__schema, __type): never cached
        maxAge = 0;
        sameForEveryCaller = false;
        continue;
      }
      const target = getNamedType(field.type);
      const composite = isCompositeType(target);
      const policy: CacheHint = {};
      let inherit = false;
      if (composite) {
        const typeHint = hints[target.name] ?? {};
        policy.maxAge = typeHint.maxAge;
        policy.scope = typeHint.scope;
        inherit = Boolean(typeHint.inheritMaxAge);
      }
      const fieldHint = hints[`${parentType.name}.${name}`] ?? {};
      if (fieldHint.inheritMaxAge && policy.maxAge === undefined) {
        inherit = true;
        if (fieldHint.scope) policy.scope = fieldHint.scope;
      } else {
        if (fieldHint.maxAge !== undefined) policy.maxAge = fieldHint.maxAge;
        if (fieldHint.scope) policy.scope = fieldHint.scope;
      }
      if (policy.maxAge === undefined && ((composite && !inherit) || isRoot)) policy.maxAge = defaultMaxAge;
      if (policy.maxAge !== undefined) maxAge = Math.min(maxAge, policy.maxAge);
      if (policy.scope === "PRIVATE") scope = "PRIVATE";
      const fieldPublic =
        policy.scope === "PUBLIC" || (policy.scope === undefined && parentPublic && !isRoot && (!composite || inherit));
      if (!fieldPublic) sameForEveryCaller = false;
      if (composite && selection.selectionSet) visit(selection.selectionSet, target, fieldPublic, seen);
    }
  };
  visit(operation.selectionSet, root, true, new Set());
  // nothing but __typename resolves no field: Apollo does not cache that either
  return { maxAge: maxAge === Infinity ? 0 : maxAge, scope, sameForEveryCaller };
}

export interface ResponseFacts {
  method: string;
  operation: "query" | "mutation" | "subscription" | undefined;
  hasErrors: boolean;
  signedIn: boolean;
  /** Called only when the rest allows caching: most responses need no policy. */
  policy: () => CachePolicy;
}

export const UNCACHEABLE = "no-store";

/**
 * The Cache-Control header of a GraphQL response. Only GETs of queries
 * without errors are cacheable (a POST is not cached by browsers or CDNs
 * anyway); a signed-in caller's answer may hold what only they see (their own
 * drafts), so it is cached only when every field says it is the same for
 * every caller.
 */
export function cacheControlHeader(facts: ResponseFacts): string {
  if (facts.method !== "GET" && facts.method !== "HEAD") return UNCACHEABLE;
  if (facts.operation !== "query" || facts.hasErrors) return UNCACHEABLE;
  const policy = facts.policy();
  if (policy.maxAge <= 0) return UNCACHEABLE;
  if (facts.signedIn) {
    return policy.sameForEveryCaller && policy.scope === "PUBLIC" ? `public, max-age=${policy.maxAge}` : UNCACHEABLE;
  }
  return `${policy.scope === "PRIVATE" ? "private" : "public"}, max-age=${policy.maxAge}`;
}
