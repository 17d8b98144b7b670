export const ROLES = ["LEARNER", "INSTRUCTOR", "ADMIN"] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a partner key may be given. One list for the whole graph: a root field
 * open to partners names its scope in its subgraph's permissions
 * (`openTo("CATALOG_READ")`), and new scopes are added here as the graph grows.
 */
export const PARTNER_SCOPES = ["CATALOG_READ", "SEARCH_READ"] as const;
export type PartnerScope = (typeof PARTNER_SCOPES)[number];

export function isPartnerScope(value: string): value is PartnerScope {
  return (PARTNER_SCOPES as readonly string[]).includes(value);
}

/** A partner calling with its API key (docs/partners.md); it has no user and no roles. */
export interface PartnerCaller {
  id: string;
  scopes: PartnerScope[];
}

/** Who is calling, as established by the router from a verified access token or partner key. */
export interface Viewer {
  userId: string | null;
  roles: Role[];
  /** Client address as seen by the router; used for per-IP rate limits. */
  clientIp?: string;
  /** The login session (refresh-token family) the access token belongs to. */
  sessionId?: string;
  /** The access token's `jti` and expiry, so logout can revoke exactly it. */
  tokenId?: string;
  tokenExpiresAt?: number;
  /** Set when a partner key calls (router only; subgraphs see an anonymous caller). */
  partner?: PartnerCaller;
}

export const ANONYMOUS: Viewer = Object.freeze({ userId: null, roles: [] }) as Viewer;

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export const viewerHasRole = (viewer: Viewer, role: Role) => viewer.roles.includes(role);
export const viewerIsAdmin = (viewer: Viewer) => viewerHasRole(viewer, "ADMIN");
