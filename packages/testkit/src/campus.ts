import { startCampus, type Campus, type CampusOptions } from "@campus/embedded";
import type { Backend } from "./backends";

export interface GraphQLResult<T = any> {
  status: number;
  headers: Headers;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

export interface TestCampus extends Campus {
  backend: Backend["name"];
  /** POSTs to the router like a client app; never throws on GraphQL errors. */
  gql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
    headers?: Record<string, string>,
  ): Promise<GraphQLResult<T>>;
  /** Same, straight to a subgraph (to prove it cannot be fooled around the router). */
  gqlSubgraph<T = any>(
    subgraph: keyof Campus["subgraphUrls"],
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResult<T>>;
}

export async function post<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResult<T>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: { data?: T; errors?: GraphQLResult["errors"] } = {};
  try {
    body = JSON.parse(text);
  } catch {
    body = { errors: [{ message: text, extensions: { code: `HTTP_${response.status}` } }] };
  }
  return { status: response.status, headers: response.headers, data: body.data ?? undefined, errors: body.errors };
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
    ports: { router: 0, identity: 0, catalog: 0, enrollment: 0 },
    ...(storage.store ? { store: storage.store } : {}),
    ...options,
  });
  return {
    ...campus,
    backend: backend.name,
    gql: (query, variables, token, headers = {}) =>
      post(campus.routerUrl, query, variables, { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) }),
    gqlSubgraph: (subgraph, query, variables, headers) =>
      post(campus.subgraphUrls[subgraph], query, variables, headers),
    async stop() {
      await campus.stop();
      await storage.release();
    },
  };
}
