import { randomBytes } from "node:crypto";
import type { SharedStore } from "@campus/kv";

/** The claims of a verified access token that revocation looks at. */
export interface AccessTokenClaims {
  jti: string;
  sub: string;
  /** The login session (refresh-token family) the token was issued for. */
  sid: string;
  /** The account's security stamp when the token was issued, if it had one. */
  stamp?: string;
}

const deniedTokenKey = (jti: string) => `denied-jti:${jti}`;
const liveSessionKey = (sessionId: string) => `session:${sessionId}`;
const securityStampKey = (userId: string) => `security-stamp:${userId}`;

/**
 * Access tokens are JWTs the router verifies on its own, so without this they
 * would outlive whatever happens to the account for up to their full TTL.
 * Identity writes three kinds of record to the shared store; the router reads
 * all three for a token in one round trip:
 *
 * - `denied-jti`: the single token logout handed back.
 * - `session`: the login session the token belongs to. Identity writes it on
 *   login and on every refresh and deletes it when the session ends (logout,
 *   refresh-token reuse, changePassword's other sessions, disableUser), so
 *   every access token of an ended session stops working with it.
 * - `security-stamp`: replaced when the account loses a role. A token carrying
 *   another stamp (or none) predates the change; the client refreshes and gets
 *   a token with the roles the account has now, in the same session. The stamp
 *   only needs to outlive the tokens it refuses, so it expires with them.
 */
export class AccessTokenRevocation {
  constructor(private readonly store: SharedStore) {}

  /** Logout: this token is dead until it would have expired anyway. */
  async denyToken(tokenId: string, expiresAtMs: number, now = Date.now()): Promise<void> {
    const ttl = expiresAtMs - now;
    if (ttl > 0) await this.store.set(deniedTokenKey(tokenId), "1", ttl);
  }

  async sessionStarted(sessionId: string, userId: string, ttlMs: number): Promise<void> {
    await this.store.set(liveSessionKey(sessionId), userId, ttlMs);
  }

  /** Renews a live session's lifetime; false when it ended meanwhile (it is not brought back). */
  async sessionExtended(sessionId: string, userId: string, ttlMs: number): Promise<boolean> {
    return this.store.compareAndSet(liveSessionKey(sessionId), userId, userId, ttlMs);
  }

  async isSessionLive(sessionId: string): Promise<boolean> {
    return (await this.store.get(liveSessionKey(sessionId))) !== null;
  }

  async sessionEnded(sessionId: string): Promise<void> {
    await this.store.del(liveSessionKey(sessionId));
  }

  /** The stamp a token issued now must carry, if the account has one. */
  async securityStamp(userId: string): Promise<string | undefined> {
    return (await this.store.get(securityStampKey(userId))) ?? undefined;
  }

  /** Refuses every access token the user holds now; `ttlMs` must cover their remaining lifetime. */
  async renewSecurityStamp(userId: string, ttlMs: number): Promise<void> {
    await this.store.set(securityStampKey(userId), randomBytes(12).toString("base64url"), ttlMs);
  }

  /** Why a verified token must be refused, or null when it is still good. */
  async refusal(claims: AccessTokenClaims): Promise<string | null> {
    const [denied, session, stamp] = await this.store.getMany([
      deniedTokenKey(claims.jti),
      liveSessionKey(claims.sid),
      securityStampKey(claims.sub),
    ]);
    if (denied !== null) return "Access token has been revoked";
    if (session !== claims.sub) return "The session of this access token has ended";
    if (stamp !== null && stamp !== claims.stamp) return "Access token predates a change to the account; refresh it";
    return null;
  }
}
