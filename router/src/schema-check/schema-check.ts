import { Supergraph } from "@apollo/federation-internals";
import { CriticalityLevel, diff, type Change } from "@graphql-inspector/core";
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  TypeInfo,
  typeFromAST,
  validate,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { deprecationDatesOf } from "../plugins/deprecation-dates";

/**
 * The API clients see: a supergraph's API schema (no join__/link__ plumbing,
 * no @inaccessible), or an SDL that is one already (test fixtures).
 */
export function apiSchemaOf(sdl: string): GraphQLSchema {
  if (/specs\.apollo\.dev\/join\//.test(sdl)) return Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();
  return buildSchema(sdl);
}

/** Operations someone relies on: a guaranteed operations file, or a published manifest. */
export interface OperationSource {
  /** e.g. `schema/operations/mvp.graphql` or `manifest partner-x.json`. */
  source: string;
  document: DocumentNode;
}

/** One operation of a source, with every schema coordinate it touches (inspector's path form). */
interface Usage {
  label: string;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  coordinates: Set<string>;
  /** Names of the fragments it spreads, directly or not. */
  fragments: Set<string>;
}

export interface Finding {
  message: string;
  path?: string;
  /** The operations the change touches (`source#Name`). */
  usedBy: string[];
}

export interface SchemaCheckReport {
  /** Breaking changes that touch a guaranteed or published operation: the check fails. */
  breakingUsed: Finding[];
  /** Operations that no longer validate against the new API (the check fails). */
  invalidOperations: { operation: string; errors: string[] }[];
  /** Breaking changes no guaranteed or published operation touches: warnings. */
  breakingUnused: Finding[];
  dangerous: Finding[];
  safe: number;
  /** Deprecations without a removal date (docs/api-lifecycle.md): notes. */
  undatedDeprecations: string[];
  passed: boolean;
}

/**
 * Compares the API schema of `before` (main) with `after` (this change) using
 * graphql-inspector, and judges each breaking change by the operations that
 * use what it touches; every operation is also validated against `after`,
 * which catches what a per-change judgement could miss.
 */
export async function checkSchema(
  before: string,
  after: string,
  sources: OperationSource[],
): Promise<SchemaCheckReport> {
  const oldSchema = apiSchemaOf(before);
  const newSchema = apiSchemaOf(after);
  const changes = await diff(oldSchema, newSchema);
  const usages = sources.flatMap((source) => usagesOf(oldSchema, source));

  const findingOf = (change: Change): Finding => ({
    message: change.message,
    ...(change.path ? { path: change.path } : {}),
    usedBy: usages.filter((usage) => touches(change, usage.coordinates)).map((usage) => usage.label),
  });
  const breaking = changes.filter((change) => change.criticality.level === CriticalityLevel.Breaking).map(findingOf);
  const dangerous = changes.filter((change) => change.criticality.level === CriticalityLevel.Dangerous).map(findingOf);
  const invalidOperations = usages.flatMap((usage) => {
    const errors = validate(newSchema, { ...usage.document, definitions: definitionsFor(usage) });
    return errors.length ? [{ operation: usage.label, errors: errors.map((error) => error.message) }] : [];
  });
  const breakingUsed = breaking.filter((finding) => finding.usedBy.length > 0);
  return {
    breakingUsed,
    invalidOperations,
    breakingUnused: breaking.filter((finding) => finding.usedBy.length === 0),
    dangerous,
    safe: changes.length - breaking.length - dangerous.length,
    undatedDeprecations: undatedDeprecationsOf(newSchema),
    passed: breakingUsed.length === 0 && invalidOperations.length === 0,
  };
}

/** The operation and the fragments it spreads (a file holds many operations). */
function definitionsFor(usage: Usage) {
  return usage.document.definitions.filter(
    (definition) =>
      definition === usage.operation ||
      (definition.kind === Kind.FRAGMENT_DEFINITION && usage.fragments.has(definition.name.value)),
  );
}

/**
 * Whether a change reaches an operation: it names a coordinate the operation
 * uses; or it adds a required argument to a field the operation selects, or a
 * required field to an input type it sends.
 */
function touches(change: Change, used: Set<string>): boolean {
  if (!change.path) return false;
  if (used.has(change.path)) return true;
  const parent = change.path.split(".").slice(0, -1).join(".");
  return (change.type === "FIELD_ARGUMENT_ADDED" || change.type === "INPUT_FIELD_ADDED") && used.has(parent);
}

function usagesOf(schema: GraphQLSchema, source: OperationSource): Usage[] {
  return source.document.definitions.flatMap((definition) => {
    if (definition.kind !== Kind.OPERATION_DEFINITION) return [];
    const name = definition.name?.value ?? "(anonymous)";
    const usage: Usage = {
      label: `${source.source}#${name}`,
      document: source.document,
      operation: definition,
      coordinates: new Set(),
      fragments: new Set(),
    };
    collectCoordinates(schema, usage);
    return [usage];
  });
}

/** Every type, field, argument, input field and enum value the operation (with its fragments) uses. */
function collectCoordinates(schema: GraphQLSchema, usage: Usage) {
  const used = usage.coordinates;
  const addType = (type: GraphQLNamedType | undefined | null) => {
    if (type) used.add(type.name);
  };
  // what a client may send in a variable: every field and value of its input types
  const addInputDeep = (type: GraphQLNamedType, seen = new Set<string>()) => {
    if (seen.has(type.name)) return;
    seen.add(type.name);
    used.add(type.name);
    if (isEnumType(type)) for (const value of type.getValues()) used.add(`${type.name}.${value.name}`);
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        used.add(`${type.name}.${field.name}`);
        addInputDeep(getNamedType(field.type), seen);
      }
    }
  };
  const typeInfo = new TypeInfo(schema);
  const fragments = new Map(
    usage.document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [])),
  );
  const pending: import("graphql").ASTNode[] = [usage.operation];
  const visited = usage.fragments;
  const visitor = visitWithTypeInfo(typeInfo, {
    VariableDefinition(node) {
      const type = typeFromAST(schema, node.type as never);
      if (type) addInputDeep(getNamedType(type));
    },
    Field() {
      const parent = typeInfo.getParentType();
      const field = typeInfo.getFieldDef();
      if (!parent || !field) return;
      addType(parent);
      used.add(`${parent.name}.${field.name}`);
      addType(getNamedType(field.type));
    },
    Argument() {
      const parent = typeInfo.getParentType();
      const field = typeInfo.getFieldDef();
      const argument = typeInfo.getArgument();
      if (parent && field && argument && !typeInfo.getDirective()) {
        used.add(`${parent.name}.${field.name}.${argument.name}`);
        addType(getNamedType(argument.type));
      }
    },
    ObjectField(node) {
      const parent = getNamedType(typeInfo.getParentInputType());
      if (isInputObjectType(parent)) used.add(`${parent.name}.${node.name.value}`);
    },
    EnumValue(node) {
      const type = getNamedType(typeInfo.getInputType());
      if (isEnumType(type)) used.add(`${type.name}.${node.value}`);
    },
    InlineFragment(node) {
      if (node.typeCondition) used.add(node.typeCondition.name.value);
    },
    FragmentSpread(node) {
      const fragment = fragments.get(node.name.value);
      if (fragment && !visited.has(fragment.name.value)) {
        visited.add(fragment.name.value);
        used.add(fragment.typeCondition.name.value);
        pending.push(fragment);
      }
    },
  });
  while (pending.length > 0) visit(pending.pop()!, visitor);
}

function undatedDeprecationsOf(schema: GraphQLSchema): string[] {
  const undated: string[] = [];
  const note = (coordinate: string, reason: string | null | undefined) => {
    if (reason !== null && reason !== undefined && !deprecationDatesOf(reason).sunsetAt) undated.push(coordinate);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__")) continue;
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        note(`${type.name}.${field.name}`, field.deprecationReason);
        for (const arg of field.args) note(`${type.name}.${field.name}(${arg.name}:)`, arg.deprecationReason);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) note(`${type.name}.${field.name}`, field.deprecationReason);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) note(`${type.name}.${value.name}`, value.deprecationReason);
    }
  }
  return undated;
}

/**
 * Reads an Apollo persisted query manifest (`@apollo/generate-persisted-query-manifest`
 * output): each operation's body is a whole document, its operation and fragments.
 */
export function manifestOperations(file: string, text: string): OperationSource[] {
  let manifest: { format?: unknown; version?: unknown; operations?: unknown };
  try {
    manifest = JSON.parse(text);
  } catch {
    throw new Error(`${file}: not JSON`);
  }
  if (manifest.format !== "apollo-persisted-query-manifest" || manifest.version !== 1) {
    throw new Error(`${file}: not an apollo-persisted-query-manifest version 1`);
  }
  if (!Array.isArray(manifest.operations)) throw new Error(`${file}: no operations list`);
  return manifest.operations.map((operation: { body?: unknown }, index: number) => {
    if (typeof operation?.body !== "string") throw new Error(`${file}: operation ${index} has no body`);
    try {
      return { source: `manifest ${file}`, document: parse(operation.body) };
    } catch (error) {
      throw new Error(`${file}: operation ${index}: ${(error as Error).message}`);
    }
  });
}
