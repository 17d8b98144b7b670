import { startCampus, type Campus, type CampusOptions } from "@campus/embedded";
import { post, type Backend, type GraphQLResult } from "@campus/testkit";

export interface TestCampus extends Campus {
  backend: Backend["name"];
  /** What the backend set for this boot (database URLs, and EVENTS_TOPIC_PREFIX, OPENSEARCH_INDEX_PREFIX on those servers). */
  storageEnv: Record<string, string>;
  /** POSTs to the router like a client app; never throws on GraphQL errors. */
  gql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
    headers?: Record<string, string>,
  ): Promise<GraphQLResult<T>>;
  /** Same, straight to a subgraph (to prove it cannot be fooled around the router). */
  gqlSubgraph<T = any>(
    subgraph: string,
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResult<T>>;
}

/** Boots the whole supergraph on free ports with storage isolated for this boot. */
export async function startTestCampus(
  backend: Backend,
  env: Record<string, string> = {},
  options: Partial<CampusOptions> = {},
): Promise<TestCampus> {
  const storage = await backend.provision();
  const campus = await startCampus({
    env: {
      NODE_ENV: "test",
      LOG_LEVEL: process.env.LOG_LEVEL ?? "silent",
      RATE_LIMIT_AUTH_PER_MINUTE: "1000",
      RATE_LIMIT_PER_MINUTE: "10000",
      ...storage.env,
      ...env,
    },
    ports: "free",
    ...(storage.store ? { store: storage.store } : {}),
    ...options,
  });
  return {
    ...campus,
    backend: backend.name,
    storageEnv: storage.env,
    gql: (query, variables, token, headers = {}) =>
      post(campus.routerUrl, query, variables, { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) }),
    gqlSubgraph: (subgraph, query, variables, headers) =>
      post(campus.subgraphUrls[subgraph]!, query, variables, headers),
    async stop() {
      await campus.stop();
      await storage.release();
    },
  };
}
