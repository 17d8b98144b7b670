import { createHmac, timingSafeEqual } from "node:crypto";
import { ANONYMOUS, isRole, type Viewer } from "./viewer";

/**
 * The router tells subgraphs who is calling with plain headers (X-User-Id,
 * X-Roles, as the seed plan has it) plus an HMAC over them keyed by a secret
 * only the router and subgraphs share. A subgraph that gets identity headers
 * without a valid, fresh proof treats the caller as anonymous, so a client that
 * reaches a subgraph directly cannot claim to be someone.
 */
export const IDENTITY_HEADERS = {
  userId: "x-user-id",
  roles: "x-roles",
  clientIp: "x-client-ip",
  session: "x-session",
  issuedAt: "x-identity-issued-at",
  proof: "x-identity-proof",
} as const;

/** A proof older than this is refused, which bounds replay of a captured request. */
const MAX_PROOF_AGE_MS = 60_000;

function proofOf(secret: string, fields: string[]): string {
  return createHmac("sha256", secret).update(fields.join("\n")).digest("base64url");
}

/** sessionId/tokenId/expiry travel as one header: "<sid> <jti> <exp-ms>". */
function sessionHeader(viewer: Viewer): string {
  return viewer.sessionId ? `${viewer.sessionId} ${viewer.tokenId ?? ""} ${viewer.tokenExpiresAt ?? ""}` : "";
}

export function signIdentityHeaders(secret: string, viewer: Viewer, now = Date.now()): Record<string, string> {
  const userId = viewer.userId ?? "";
  const roles = viewer.roles.join(",");
  const clientIp = viewer.clientIp ?? "";
  const issuedAt = String(now);
  const session = sessionHeader(viewer);
  return {
    [IDENTITY_HEADERS.userId]: userId,
    [IDENTITY_HEADERS.roles]: roles,
    [IDENTITY_HEADERS.clientIp]: clientIp,
    [IDENTITY_HEADERS.session]: session,
    [IDENTITY_HEADERS.issuedAt]: issuedAt,
    [IDENTITY_HEADERS.proof]: proofOf(secret, [userId, roles, clientIp, session, issuedAt]),
  };
}

type HeaderSource = Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

/** Reads the caller from router-signed headers; anything unproven is anonymous. */
export function viewerFromIdentityHeaders(secret: string, headers: HeaderSource, now = Date.now()): Viewer {
  const proof = header(headers, IDENTITY_HEADERS.proof);
  if (!proof) return ANONYMOUS;
  const userId = header(headers, IDENTITY_HEADERS.userId);
  const roles = header(headers, IDENTITY_HEADERS.roles);
  const clientIp = header(headers, IDENTITY_HEADERS.clientIp);
  const session = header(headers, IDENTITY_HEADERS.session);
  const issuedAt = header(headers, IDENTITY_HEADERS.issuedAt);
  const age = now - Number(issuedAt);
  if (!Number.isFinite(age) || age > MAX_PROOF_AGE_MS || age < -MAX_PROOF_AGE_MS) return ANONYMOUS;
  const expected = Buffer.from(proofOf(secret, [userId, roles, clientIp, session, issuedAt]));
  const given = Buffer.from(proof);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return ANONYMOUS;
  const [sessionId, tokenId, expiresAt] = session.split(" ");
  return {
    userId: userId || null,
    roles: roles.split(",").filter(isRole),
    ...(clientIp ? { clientIp } : {}),
    ...(sessionId ? { sessionId, tokenId, tokenExpiresAt: Number(expiresAt) } : {}),
  };
}
