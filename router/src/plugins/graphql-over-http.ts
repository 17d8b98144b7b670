import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError } from "graphql";
import { DomainError } from "@campus/errors";

/** Errors the GraphQL-over-HTTP spec calls request errors: the document never ran. */
const REQUEST_ERROR_CODES = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "OPERATION_RESOLUTION_FAILURE",
  // variable coercion (graphql-js and Apollo give it this code)
  "BAD_USER_INPUT",
]);

function isSpecRequestError(error: GraphQLError): boolean {
  // Campus' own refusals (limits, RBAC, rate limits) keep their 4xx whatever the client accepts.
  if (error.originalError instanceof DomainError || error instanceof DomainError) return false;
  return REQUEST_ERROR_CODES.has(String(error.extensions?.code));
}

/**
 * Status codes as the GraphQL-over-HTTP spec has them (graphql-http's
 * `auditServer` checks it in tests/e2e/graphql-over-http.test.ts):
 *
 * - an operation name that names nothing, or several operations and no name,
 *   is a request error (OPERATION_RESOLUTION_FAILURE), not an internal one;
 * - request errors answer 4xx to clients that accept
 *   `application/graphql-response+json`, and 200 to clients that accept only
 *   `application/json`, which cannot tell a 4xx GraphQL answer from a proxy's.
 */
export function graphqlOverHttpPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart({ request }) {
      const accept = request.http?.headers.get("accept") ?? "";
      const understandsStatus = accept.includes("application/graphql-response+json");
      let requestErrorsOnly = false;
      return {
        async didResolveOperation({ operation, request: { operationName } }) {
          if (operation) return;
          const message = operationName
            ? `Unknown operation named "${operationName}".`
            : "Must provide operation name if query contains multiple operations.";
          throw new GraphQLError(message, {
            extensions: { code: "OPERATION_RESOLUTION_FAILURE", http: { status: 400 } },
          });
        },
        async didEncounterErrors({ errors }) {
          requestErrorsOnly = errors.length > 0 && errors.every(isSpecRequestError);
        },
        async willSendResponse({ response }) {
          if (understandsStatus || !requestErrorsOnly || response.body.kind !== "single") return;
          if (response.body.singleResult.data === undefined && response.http.status === 400) {
            response.http.status = 200;
          }
        },
      };
    },
  };
}
