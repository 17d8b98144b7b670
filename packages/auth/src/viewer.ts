export const ROLES = ["LEARNER", "INSTRUCTOR", "ADMIN"] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as established by the router from a verified access token. */
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
}

export const ANONYMOUS: Viewer = Object.freeze({ userId: null, roles: [] }) as Viewer;

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export const viewerHasRole = (viewer: Viewer, role: Role) => viewer.roles.includes(role);
export const viewerIsAdmin = (viewer: Viewer) => viewerHasRole(viewer, "ADMIN");
