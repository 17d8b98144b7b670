import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { ANONYMOUS, isRole, type Viewer } from "./viewer";

/**
 * Every request a subgraph serves must come from the router (or another
 * Campus service) holding INTERNAL_AUTH_SECRET. The caller's identity travels
 * in plain headers (X-User-Id, X-Roles, as the seed plan has it), and
 * `x-identity-proof` is an HMAC over those headers *and the request itself*
 * (method, path, a SHA-256 of the body) and the time it was signed, in the
 * spirit of Hive Gateway's `hmac-upstream-signature`. So a captured header set
 * cannot carry another body, and it stops working a few seconds later.
 * Anonymous callers are signed too: a request without a valid proof is
 * refused (HTTP 401), whatever it asks for (`_service` and `_entities`
 * included).
 */
export const IDENTITY_HEADERS = {
  userId: "x-user-id",
  roles: "x-roles",
  clientIp: "x-client-ip",
  session: "x-session",
  issuedAt: "x-identity-issued-at",
  proof: "x-identity-proof",
} as const;

/**
 * A proof older than this is refused. The router gives up on a subgraph after
 * SUBGRAPH_TIMEOUT_MS (10 s by default), so an honest request is never older.
 */
export const MAX_PROOF_AGE_MS = 15_000;
/** Clock difference tolerated for proofs dated in the future. */
export const MAX_PROOF_CLOCK_SKEW_MS = 2_000;

const PROOF_VERSION = "campus-subgraph-request-v1";

/** What a proof is bound to, besides the identity headers. */
export interface SignedRequest {
  method: string;
  /** Path and query of the URL, e.g. `/graphql`. */
  path: string;
  body: string;
}

type HeaderSource = Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

const IDENTITY_FIELDS = [
  IDENTITY_HEADERS.userId,
  IDENTITY_HEADERS.roles,
  IDENTITY_HEADERS.clientIp,
  IDENTITY_HEADERS.session,
] as const;

function proofOf(secret: string, request: SignedRequest, headers: HeaderSource, issuedAt: string): string {
  const bodyDigest = createHash("sha256").update(request.body).digest("base64url");
  const fields = [
    PROOF_VERSION,
    request.method.toUpperCase(),
    request.path,
    bodyDigest,
    ...IDENTITY_FIELDS.map((name) => header(headers, name)),
    issuedAt,
  ];
  return createHmac("sha256", secret).update(fields.join("\n")).digest("base64url");
}

/** sessionId/tokenId/expiry travel as one header: "<sid> <jti> <exp-ms>". */
function sessionHeader(viewer: Viewer): string {
  return viewer.sessionId ? `${viewer.sessionId} ${viewer.tokenId ?? ""} ${viewer.tokenExpiresAt ?? ""}` : "";
}

/** The caller's identity as headers; `signRequest` then proves them together with the request. */
export function identityHeaders(viewer: Pick<Viewer, "userId" | "roles" | "clientIp"> & Partial<Viewer>) {
  return {
    [IDENTITY_HEADERS.userId]: viewer.userId ?? "",
    [IDENTITY_HEADERS.roles]: viewer.roles.join(","),
    [IDENTITY_HEADERS.clientIp]: viewer.clientIp ?? "",
    [IDENTITY_HEADERS.session]: sessionHeader(viewer as Viewer),
  };
}

/** `x-identity-issued-at` and `x-identity-proof` for a request whose identity headers are already set. */
export function signRequest(
  secret: string,
  request: SignedRequest,
  headers: HeaderSource,
  now = Date.now(),
): Record<string, string> {
  const issuedAt = String(now);
  return {
    [IDENTITY_HEADERS.issuedAt]: issuedAt,
    [IDENTITY_HEADERS.proof]: proofOf(secret, request, headers, issuedAt),
  };
}

/** Identity headers and their proof, for a service calling a subgraph on a viewer's behalf. */
export function signedIdentityHeaders(
  secret: string,
  viewer: Pick<Viewer, "userId" | "roles"> & Partial<Viewer>,
  request: SignedRequest,
  now = Date.now(),
): Record<string, string> {
  const identity = identityHeaders({ clientIp: undefined, ...viewer });
  return { ...identity, ...signRequest(secret, request, identity, now) };
}

export type RequestVerification = { viewer: Viewer; refusal?: undefined } | { viewer?: undefined; refusal: string };

/** Checks a request's proof; the viewer it proves, or why it is refused. */
export function verifySignedRequest(
  secret: string,
  request: SignedRequest,
  headers: HeaderSource,
  now = Date.now(),
): RequestVerification {
  const proof = header(headers, IDENTITY_HEADERS.proof);
  if (!proof) return { refusal: "request carries no identity proof" };
  const issuedAt = header(headers, IDENTITY_HEADERS.issuedAt);
  const age = now - Number(issuedAt);
  if (!/^\d{1,15}$/.test(issuedAt) || !Number.isFinite(age)) return { refusal: "identity proof has no valid date" };
  if (age > MAX_PROOF_AGE_MS) return { refusal: `identity proof is ${Math.round(age / 1000)} s old` };
  if (age < -MAX_PROOF_CLOCK_SKEW_MS) return { refusal: "identity proof is dated in the future" };
  const expected = Buffer.from(proofOf(secret, request, headers, issuedAt));
  const given = Buffer.from(proof);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return {
      refusal: "identity proof does not match this request (another INTERNAL_AUTH_SECRET, or a modified request)",
    };
  }
  const userId = header(headers, IDENTITY_HEADERS.userId);
  const roles = header(headers, IDENTITY_HEADERS.roles);
  const clientIp = header(headers, IDENTITY_HEADERS.clientIp);
  const [sessionId, tokenId, expiresAt] = header(headers, IDENTITY_HEADERS.session).split(" ");
  if (!userId) return { viewer: { ...ANONYMOUS, ...(clientIp ? { clientIp } : {}) } };
  return {
    viewer: {
      userId,
      roles: roles.split(",").filter(isRole),
      ...(clientIp ? { clientIp } : {}),
      ...(sessionId ? { sessionId, tokenId, tokenExpiresAt: Number(expiresAt) } : {}),
    },
  };
}
