import type { ApolloServerPlugin } from "@apollo/server";
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isObjectType,
  TypeInfo,
  typeFromAST,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import type { Viewer } from "@campus/auth";
import type { Logger } from "@campus/logging";
import { fragmentsOf } from "../operation";
import type { RouterContext } from "./authorization";
import type { DeprecatedUsageCounter } from "./deprecated-usage";
import { deprecationHeaders } from "./deprecation-dates";

/** A deprecated part of the schema an operation uses, by its schema coordinate. */
export interface DeprecatedUse {
  coordinate: string;
  reason: string;
}

const schemaHasDeprecations = new WeakMap<GraphQLSchema, boolean>();
const textUses = new WeakMap<OperationDefinitionNode, Map<string, string>>();

/** Most of the time nothing is deprecated: then nothing is looked at per request. */
function hasDeprecations(schema: GraphQLSchema): boolean {
  let known = schemaHasDeprecations.get(schema);
  if (known === undefined) {
    known = Object.values(schema.getTypeMap()).some((type) => {
      if (type.name.startsWith("__")) return false;
      if (isEnumType(type)) return type.getValues().some((value) => value.deprecationReason != null);
      if (isInputObjectType(type)) return Object.values(type.getFields()).some((f) => f.deprecationReason != null);
      if (isObjectType(type) || isInterfaceType(type)) {
        return Object.values(type.getFields()).some(
          (field) => field.deprecationReason != null || field.args.some((arg) => arg.deprecationReason != null),
        );
      }
      return false;
    });
    schemaHasDeprecations.set(schema, known);
  }
  return known;
}

/**
 * The deprecated fields, arguments, input fields and enum values an operation
 * uses, in its text (through its fragments) or in the variables it was sent
 * with, each once. The document is valid against `schema` by now.
 */
export function deprecatedUsesOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): DeprecatedUse[] {
  if (!hasDeprecations(schema)) return [];
  // Apollo keeps one parsed document per query text, so the text's part is worked out once per operation
  let inText = textUses.get(operation);
  if (!inText) {
    inText = usesInText(schema, document, operation);
    textUses.set(operation, inText);
  }
  const uses = new Map(inText);
  const add = (coordinate: string, reason: string | null | undefined) => {
    if (reason !== null && reason !== undefined) uses.set(coordinate, reason);
  };
  const inValue = (type: GraphQLInputType, value: unknown): void => {
    if (value === null || value === undefined) return;
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      for (const item of Array.isArray(value) ? value : [value]) inValue(nullable.ofType, item);
    } else if (isEnumType(nullable) && typeof value === "string") {
      const enumValue = nullable.getValue(value);
      if (enumValue) add(`${nullable.name}.${enumValue.name}`, enumValue.deprecationReason);
    } else if (isInputObjectType(nullable) && typeof value === "object") {
      for (const [name, fieldValue] of Object.entries(value as Record<string, unknown>)) {
        const field = nullable.getFields()[name];
        if (!field) continue;
        add(`${nullable.name}.${field.name}`, field.deprecationReason);
        inValue(field.type, fieldValue);
      }
    }
  };
  for (const definition of operation.variableDefinitions ?? []) {
    const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
    if (type) inValue(type, variables[definition.variable.name.value]);
  }
  return [...uses].map(([coordinate, reason]) => ({ coordinate, reason }));
}

function usesInText(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode) {
  const uses = new Map<string, string>();
  const add = (coordinate: string, reason: string | null | undefined) => {
    if (reason !== null && reason !== undefined) uses.set(coordinate, reason);
  };
  const typeInfo = new TypeInfo(schema);
  const visitor = visitWithTypeInfo(typeInfo, {
    Field() {
      const field = typeInfo.getFieldDef();
      const parent = typeInfo.getParentType();
      if (field && parent) add(`${parent.name}.${field.name}`, field.deprecationReason);
    },
    Argument() {
      const argument = typeInfo.getArgument();
      const field = typeInfo.getFieldDef();
      const parent = typeInfo.getParentType();
      const directive = typeInfo.getDirective();
      if (!argument) return;
      if (directive) add(`@${directive.name}(${argument.name}:)`, argument.deprecationReason);
      else if (field && parent) add(`${parent.name}.${field.name}(${argument.name}:)`, argument.deprecationReason);
    },
    ObjectField(node) {
      const parent = getNamedType(typeInfo.getParentInputType());
      if (!isInputObjectType(parent)) return;
      const field = parent.getFields()[node.name.value];
      if (field) add(`${parent.name}.${field.name}`, field.deprecationReason);
    },
    EnumValue(node) {
      const type = getNamedType(typeInfo.getInputType());
      if (!isEnumType(type)) return;
      const value = type.getValue(node.value);
      if (value) add(`${type.name}.${value.name}`, value.deprecationReason);
    },
  });
  for (const node of [operation, ...fragmentsUsedBy(operation, document)]) visit(node as ASTNode, visitor);
  return uses;
}

function fragmentsUsedBy(operation: OperationDefinitionNode, document: DocumentNode) {
  const fragments = fragmentsOf(document);
  const used = new Set<string>();
  const pending: ASTNode[] = [operation];
  while (pending.length > 0) {
    visit(pending.pop()!, {
      FragmentSpread(node) {
        const name = node.name.value;
        if (used.has(name) || !fragments[name]) return;
        used.add(name);
        pending.push(fragments[name]);
      },
    });
  }
  return [...used].map((name) => fragments[name]!);
}

/** Longer or unprintable client names are not kept as they are (they go into store keys and logs). */
const CLIENT_NAME = /^[\x21-\x7e][\x20-\x7e]{0,99}$/;

/**
 * Who is calling, for the usage counts: a partner (when the viewer carries
 * one), else the name the client gives itself in `apollographql-client-name`
 * (Apollo Client sends it), else "unknown".
 */
export function clientOf(viewer: Partial<Viewer> | undefined, clientName: string | undefined): string {
  const partnerId = viewer?.partner?.id;
  if (partnerId) return `partner:${partnerId}`;
  const name = clientName?.trim();
  return name && CLIENT_NAME.test(name) ? name : "unknown";
}

/**
 * Deprecation you can see (docs/api-lifecycle.md): a response to an operation
 * that uses something deprecated carries `Deprecation` (RFC 9745), `Sunset`
 * (RFC 8594) when a removal date is stated, and a `Link` to the docs; the use
 * is counted per client and day and logged.
 */
export function deprecationPlugin(options: {
  counter: DeprecatedUsageCounter;
  logger: Logger;
  docsUrl?: string;
}): ApolloServerPlugin<RouterContext> {
  return {
    async serverWillStart() {
      // what was counted since the last flush is stored before the process goes
      return { serverWillStop: () => options.counter.stop() };
    },
    async requestDidStart() {
      let uses: DeprecatedUse[] = [];
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (operation) uses = deprecatedUsesOf(schema, document, operation, request.variables ?? {});
        },
        // Apollo runs every plugin's didResolveOperation at once; only here have the checks all let it through
        async executionDidStart({ request, contextValue }) {
          if (uses.length === 0) return;
          const client = clientOf(contextValue.viewer, request.http?.headers.get("apollographql-client-name"));
          const fields = uses.map((use) => use.coordinate);
          options.counter.record(client, fields);
          options.logger.info({ client, deprecated: fields }, "deprecated schema used");
        },
        async willSendResponse({ response }) {
          const headers = deprecationHeaders(
            uses.map((use) => use.reason),
            new Date(),
          );
          if (!headers) return;
          response.http.headers.set("deprecation", headers.deprecation);
          if (headers.sunset) response.http.headers.set("sunset", headers.sunset);
          if (options.docsUrl) response.http.headers.set("link", `<${options.docsUrl}>; rel="deprecation"`);
        },
      };
    },
  };
}
