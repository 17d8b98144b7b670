import { signedIdentityHeaders, type Viewer } from "@campus/auth";
import type { GraphQLResult } from "./campus";

const ANONYMOUS = { userId: null, roles: [] };

/**
 * POSTs straight to a subgraph the way the router does: the viewer's identity
 * headers and a proof over this exact request, made with `secret`.
 */
export async function postToSubgraph<T = any>(
  url: string,
  secret: string,
  viewer: Pick<Viewer, "userId" | "roles"> | null,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResult<T>> {
  const body = JSON.stringify({ query, variables });
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...signedIdentityHeaders(secret, viewer ?? ANONYMOUS, { method: "POST", path: new URL(url).pathname, body }),
    },
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
