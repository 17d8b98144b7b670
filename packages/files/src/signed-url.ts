import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * What one disk-store URL grants: one method on one path until `expires`
 * (seconds since the epoch); an upload also only with one content type and up
 * to `maxBytes`; a download with the file name it was given.
 */
export type UrlGrant =
  | { method: "PUT"; path: string; expires: number; contentType: string; maxBytes: number }
  | { method: "GET"; path: string; expires: number; fileName?: string };

export type GrantVerdict = { granted: UrlGrant; refused?: undefined } | { granted?: undefined; refused: string };

// A JSON array, not joined text: no value can shift into its neighbour's place
// (a path ending in "\n" cannot pose as part of the expiry).
function canonical(grant: UrlGrant): string {
  return JSON.stringify(
    grant.method === "PUT"
      ? ["campus-files/v1", "PUT", grant.path, grant.expires, grant.contentType, grant.maxBytes]
      : ["campus-files/v1", "GET", grant.path, grant.expires, grant.fileName ?? null],
  );
}

const mac = (secret: string, grant: UrlGrant) => createHmac("sha256", secret).update(canonical(grant)).digest();

/** The query string that carries a grant and its signature (the path is the URL's own). */
export function grantQuery(secret: string, grant: UrlGrant): string {
  const query = new URLSearchParams({ expires: String(grant.expires) });
  if (grant.method === "PUT") {
    query.set("type", grant.contentType);
    query.set("max", String(grant.maxBytes));
  } else if (grant.fileName !== undefined) {
    query.set("name", grant.fileName);
  }
  query.set("sig", mac(secret, grant).toString("base64url"));
  return query.toString();
}

const WHOLE_NUMBER = /^\d{1,16}$/;

/**
 * Reads the grant a request claims from its method, path and query, and
 * accepts it only when the signature covers exactly that and it has not
 * expired. The signature is checked first, so a moved expiry reads as tampering.
 */
export function verifyGrant(
  secret: string,
  request: { method: string; path: string; query: URLSearchParams },
  now: Date,
): GrantVerdict {
  const { query } = request;
  const expires = query.get("expires");
  const signature = query.get("sig");
  if (!expires || !WHOLE_NUMBER.test(expires) || !signature) return { refused: "not a signed URL" };
  let grant: UrlGrant;
  if (request.method === "PUT") {
    const contentType = query.get("type");
    const maxBytes = query.get("max");
    if (contentType === null || !maxBytes || !WHOLE_NUMBER.test(maxBytes))
      return { refused: "not a signed upload URL" };
    grant = { method: "PUT", path: request.path, expires: Number(expires), contentType, maxBytes: Number(maxBytes) };
  } else if (request.method === "GET") {
    const fileName = query.get("name");
    grant = { method: "GET", path: request.path, expires: Number(expires), ...(fileName !== null ? { fileName } : {}) };
  } else {
    return { refused: `${request.method} is not signed here` };
  }
  const given = Buffer.from(signature, "base64url");
  const expected = mac(secret, grant);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { refused: "signature mismatch" };
  if (now.getTime() > grant.expires * 1000) return { refused: "URL expired" };
  return { granted: grant };
}
