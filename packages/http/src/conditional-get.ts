import { createHash } from "node:crypto";

/**
 * A strong validator of a representation (RFC 9110 §8.8.3): the SHA-256 of
 * its content type and exact bytes, so two replicas answering the same body
 * give the same tag (a CDN or browser can revalidate with either), and the
 * same data as application/json and as application/graphql-response+json do not.
 */
export function strongEtag(body: string, contentType = ""): string {
  return `"${createHash("sha256").update(contentType).update("\n").update(body).digest("base64url")}"`;
}

/**
 * Whether `If-None-Match` names `etag` (RFC 9110 §13.1.2: weak comparison,
 * so `W/"x"` matches `"x"`; `*` matches any current representation).
 */
export function ifNoneMatchHits(header: string | string[] | undefined, etag: string): boolean {
  if (!header) return false;
  const value = Array.isArray(header) ? header.join(",") : header;
  if (value.trim() === "*") return true;
  const opaque = etag.replace(/^W\//, "");
  return (value.match(/(?:W\/)?"[^"]*"/g) ?? []).some((tag) => tag.replace(/^W\//, "") === opaque);
}
