import type { ApolloServerPlugin, GraphQLRequest } from "@apollo/server";
import type { PartnerDirectory, PartnerRecord, PersistedOperation } from "@campus/auth";
import { DomainError } from "@campus/errors";
import type { Logger } from "@campus/logging";
import type { RouterContext } from "./authorization";

const notAllowed = () =>
  new DomainError(
    "PERSISTED_QUERY_NOT_ALLOWED",
    "Send a persisted query (extensions.persistedQuery.sha256Hash) from your published list, not a document",
  );
const notListed = () =>
  new DomainError("PERSISTED_QUERY_NOT_FOUND", "This operation is not in your published list (docs/partners.md)");

/** The hash a request names, if any (POST body or GET `extensions`). */
export function persistedQueryHash(request: GraphQLRequest): string | undefined {
  const hash = (request.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;
  return typeof hash === "string" ? hash : undefined;
}

/**
 * Apollo Server turns an error thrown before its own persisted-query step
 * into a 500, so a refusal decided there is carried to `didResolveOperation`
 * (whose errors keep their code and status, and whose answer still passes
 * every plugin's willSendResponse) on a placeholder document that asks for
 * nothing and reaches no subgraph.
 */
export function refuseLater(request: GraphQLRequest, refusal: DomainError) {
  request.query = "query Refused { __typename }";
  request.operationName = undefined;
  const { persistedQuery: _refused, ...extensions } = request.extensions ?? {};
  request.extensions = extensions;
  return {
    async didResolveOperation() {
      throw refusal;
    },
  };
}

/**
 * Hands Apollo the listed document for a hash, and takes the persisted-query
 * extension away so Apollo neither looks in nor writes to the APQ cache:
 * safelisted operations never mix with first-party APQ.
 */
export function runListed(request: GraphQLRequest, operation: PersistedOperation) {
  request.query = operation.body;
  const { persistedQuery: _listed, ...extensions } = request.extensions ?? {};
  request.extensions = extensions;
}

/**
 * Published lists by partner and version. A version is never changed once
 * published, so each replica keeps the lists it has read; the current version
 * comes with the partner's record on every request, so a new list is enforced
 * everywhere from the request after publishing.
 */
class PublishedLists {
  private readonly lists = new Map<string, Record<string, PersistedOperation>>();

  constructor(private readonly directory: PartnerDirectory) {}

  async of(partner: PartnerRecord) {
    const key = `${partner.id}:${partner.operationsVersion}`;
    let list = this.lists.get(key);
    if (!list) {
      list = await this.directory.operations(partner.id, partner.operationsVersion);
      if (this.lists.size >= 1000) this.lists.delete(this.lists.keys().next().value as string);
      this.lists.set(key, list);
    }
    return list;
  }
}

/**
 * Partner keys run only their own listed operations, by hash (POST or GET):
 * a document in `query` is PERSISTED_QUERY_NOT_ALLOWED, a hash not in the
 * list PERSISTED_QUERY_NOT_FOUND (both 400; a client that falls back to
 * sending the document then gets the first). Each call is counted for the partner's usage
 * in the SharedStore, not written to a database.
 */
export function partnerSafelistPlugin(directory: PartnerDirectory, logger: Logger): ApolloServerPlugin<RouterContext> {
  const lists = new PublishedLists(directory);
  return {
    async requestDidStart({ request, contextValue }) {
      const { partner } = contextValue;
      if (!partner) return;
      const hash = persistedQueryHash(request);
      if (request.query || !hash) return refuseLater(request, notAllowed());
      const operation = (await lists.of(partner))[hash];
      if (!operation) return refuseLater(request, notListed());
      runListed(request, operation);
      return {
        async willSendResponse({ response }) {
          const failed = response.body.kind === "single" && (response.body.singleResult.errors?.length ?? 0) > 0;
          // counted after the answer, off the request's path
          directory
            .recordCall(partner.id, operation.name, failed)
            .catch((error) => logger.warn({ err: error }, "partner usage not counted"));
        },
      };
    },
  };
}
