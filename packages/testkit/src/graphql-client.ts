import { signedIdentityHeaders, type Viewer } from "@campus/auth";

export interface GraphQLResult<T = any> {
  status: number;
  headers: Headers;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

/** POSTs a GraphQL request like a client app; never throws on GraphQL errors (or a non-JSON answer). */
export async function post<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResult<T>> {
  return send<T>(url, JSON.stringify({ query, variables }), headers);
}

async function send<T>(url: string, body: string, headers: Record<string, string>): Promise<GraphQLResult<T>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  const text = await response.text();
  let parsed: { data?: T; errors?: GraphQLResult["errors"] } = {};
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { errors: [{ message: text, extensions: { code: `HTTP_${response.status}` } }] };
  }
  return { status: response.status, headers: response.headers, data: parsed.data ?? undefined, errors: parsed.errors };
}

const ANONYMOUS = { userId: null, roles: [] };

/**
 * POSTs straight to a subgraph the way the router does: the viewer's identity
 * headers and a proof over this exact request, made with `secret`.
 */
export function postToSubgraph<T = any>(
  url: string,
  secret: string,
  viewer: Pick<Viewer, "userId" | "roles"> | null,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResult<T>> {
  const body = JSON.stringify({ query, variables });
  const proof = signedIdentityHeaders(secret, viewer ?? ANONYMOUS, {
    method: "POST",
    path: new URL(url).pathname,
    body,
  });
  return send<T>(url, body, proof);
}
