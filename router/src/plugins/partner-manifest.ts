import type { ApolloServerPlugin } from "@apollo/server";
import { Kind, parse, validate, valueFromASTUntyped, type DocumentNode, type GraphQLSchema } from "graphql";
import {
  ANONYMOUS,
  readManifest,
  viewerIsAdmin,
  type PartnerDirectory,
  type PartnerRecord,
  type PersistedOperation,
} from "@campus/auth";
import { badInput, notFound } from "@campus/errors";
import { fragmentsOf, rootFields } from "../operation";
import { evaluateRootRule, type RootPermissions, type RouterContext } from "./authorization";

const PUBLISH_FIELD = "publishPartnerOperations";
const UNLIMITED = { maxBytes: Number.POSITIVE_INFINITY, maxOperations: Number.POSITIVE_INFINITY };

/** What is wrong with one listed operation: against the graph, then against the partner's scopes. */
async function problemsOf(
  operation: PersistedOperation,
  schema: GraphQLSchema,
  permissions: RootPermissions,
  partner: PartnerRecord,
): Promise<string[]> {
  let document: DocumentNode;
  try {
    document = parse(operation.body);
  } catch (error) {
    return [`${operation.name}: ${(error as Error).message}`];
  }
  const errors = validate(schema, document);
  if (errors.length > 0) return errors.map((error) => `${operation.name}: ${error.message}`);
  const definitions = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  const definition = definitions.find((candidate) => candidate.name?.value === operation.name);
  if (!definition || definitions.length !== 1) {
    return [`${operation.name}: the body must hold exactly one operation, named ${operation.name}`];
  }
  if (definition.operation !== operation.type)
    return [`${operation.name}: type says ${operation.type}, the body is a ${definition.operation}`];
  if (definition.operation === "subscription") return [`${operation.name}: subscriptions are not served`];
  const type = definition.operation === "mutation" ? "Mutation" : "Query";
  // the same rules every call is checked with, for a caller holding this partner's scopes
  const viewer = { ...ANONYMOUS, partner: { id: partner.id, scopes: partner.scopes } };
  const problems: string[] = [];
  for (const field of rootFields(definition, fragmentsOf(document))) {
    const name = field.name.value;
    if (name.startsWith("__")) continue;
    if ((await evaluateRootRule(permissions, type, name, {}, { viewer })) !== true) {
      problems.push(
        `${operation.name}: ${type}.${name} is not open to this partner's scopes (${partner.scopes.join(", ") || "none"})`,
      );
    }
  }
  return problems;
}

/**
 * Publishing a partner's list is checked here, where the supergraph is:
 * every operation must parse, validate against the API the router serves,
 * and pass the same root-field rules every call does for a caller with the
 * partner's scopes. The whole manifest is refused with every problem listed
 * (BAD_USER_INPUT, `extensions.problems`, HTTP 400), as is one whose shape
 * is wrong (JSON, format, version, ids, duplicates). Identity checks the shape
 * again, and the size limits (PARTNER_MANIFEST_MAX_*), which are its own.
 */
export function partnerManifestPlugin(
  directory: PartnerDirectory,
  permissions: RootPermissions,
): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, schema, contextValue }) {
          // the authorization plugin refuses everyone else (hooks run side by side: check here too)
          if (operation?.operation !== "mutation" || !viewerIsAdmin(contextValue.viewer)) return;
          for (const field of rootFields(operation, fragmentsOf(document))) {
            if (field.name.value !== PUBLISH_FIELD) continue;
            const args = Object.fromEntries(
              (field.arguments ?? []).map((arg) => [
                arg.name.value,
                valueFromASTUntyped(arg.value, request.variables ?? {}),
              ]),
            );
            if (typeof args.manifest !== "string" || typeof args.partnerId !== "string") continue;
            const { operations, problems: shape } = readManifest(args.manifest, UNLIMITED);
            // refused here with the same status as the graph's problems; the size limits stay identity's
            if (shape.length > 0) throw badInput("The manifest was refused", { problems: shape });
            const partner = await directory.partner(args.partnerId);
            // unknown here: nothing is published unchecked (a partner lost from a flushed store is back within a sync interval)
            if (!partner) throw notFound("Partner");
            if (operations.length === 0) continue;
            const problems = (
              await Promise.all(operations.map((listed) => problemsOf(listed, schema, permissions, partner)))
            ).flat();
            if (problems.length > 0) throw badInput("The manifest was refused", { problems });
          }
        },
      };
    },
  };
}
