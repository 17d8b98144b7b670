import { readFileSync } from "node:fs";
import type { ApolloServerPlugin } from "@apollo/server";
import { readManifest, type PersistedOperation } from "@campus/auth";
import { DomainError } from "@campus/errors";
import type { RouterContext } from "./authorization";
import { persistedQueryHash, refuseLater, runListed } from "./partner-safelist";

/** The first-party manifest(s) SAFELIST_ONLY enforces, by operation id; a bad file stops the router. */
export function loadFirstPartyManifests(files: string[]): Map<string, PersistedOperation> {
  const operations = new Map<string, PersistedOperation>();
  for (const file of files) {
    const { operations: read, problems } = readManifest(readFileSync(file, "utf8"), {
      maxBytes: Number.POSITIVE_INFINITY,
      maxOperations: Number.POSITIVE_INFINITY,
    });
    if (problems.length > 0)
      throw new Error(`${file} is not a usable persisted query manifest: ${problems.join("; ")}`);
    for (const operation of read) operations.set(operation.id, operation);
  }
  return operations;
}

/**
 * SAFELIST_ONLY: first-party traffic runs only the operations of the
 * first-party manifest (schema/persisted-query-manifest.json, built from
 * schema/operations by `pnpm safelist:manifest`, plus any SAFELIST_MANIFESTS),
 * by hash: no free-form documents and no APQ registration. Partner keys have
 * their own lists (partner-safelist.ts).
 */
export function firstPartySafelistPlugin(
  operations: Map<string, PersistedOperation>,
): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart({ request, contextValue }) {
      if (contextValue.partner) return;
      const hash = persistedQueryHash(request);
      const operation = hash ? operations.get(hash) : undefined;
      if (operation && (request.query === undefined || request.query === operation.body)) {
        runListed(request, operation);
        return;
      }
      if (request.query || !hash) {
        return refuseLater(
          request,
          new DomainError("PERSISTED_QUERY_NOT_ALLOWED", "This router runs only safelisted operations, by hash"),
        );
      }
      return refuseLater(
        request,
        new DomainError("PERSISTED_QUERY_NOT_FOUND", "This operation is not in the safelist"),
      );
    },
  };
}
