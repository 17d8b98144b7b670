import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { AccessTokenRevocation } from "@campus/auth";
import type { SharedStore } from "@campus/kv";
import { unauthenticated } from "@campus/errors";

/**
 * Refresh tokens are opaque and stored only as a SHA-256 hash. Each login
 * starts a family (the session); every refresh rotates the token within its
 * family. Presenting a token that was already rotated means it leaked (either
 * the thief or the user is replaying it), so the whole family is revoked.
 */
interface StoredToken {
  userId: string;
  sessionId: string;
  state: "active" | "rotated";
}

const tokenKey = (token: string) => `refresh:${createHash("sha256").update(token).digest("base64url")}`;
const userSessionsKey = (userId: string) => `user-sessions:${userId}`;

export interface IssuedRefresh {
  refreshToken: string;
  sessionId: string;
  userId: string;
}

export class RefreshSessions {
  constructor(
    private readonly store: SharedStore,
    /** Owns the session records, because the router checks them on every request. */
    private readonly revocation: AccessTokenRevocation,
    private readonly ttlMs: number,
  ) {}

  /** A new login: a new family with its first token. */
  async start(userId: string): Promise<IssuedRefresh> {
    const sessionId = randomUUID();
    await this.revocation.sessionStarted(sessionId, userId, this.ttlMs);
    await this.store.addToSet(userSessionsKey(userId), sessionId, this.ttlMs);
    return { refreshToken: await this.issue(userId, sessionId), sessionId, userId };
  }

  private async issue(userId: string, sessionId: string): Promise<string> {
    const refreshToken = randomBytes(32).toString("base64url");
    const record: StoredToken = { userId, sessionId, state: "active" };
    await this.store.set(tokenKey(refreshToken), JSON.stringify(record), this.ttlMs);
    return refreshToken;
  }

  /** Swaps a token for a new one in the same family; detects reuse. */
  async rotate(refreshToken: string): Promise<IssuedRefresh> {
    const key = tokenKey(refreshToken);
    const raw = await this.store.get(key);
    if (!raw) throw unauthenticated("Refresh token is invalid or expired");
    const record = JSON.parse(raw) as StoredToken;
    if (!(await this.revocation.isSessionLive(record.sessionId))) {
      throw unauthenticated("Session has been revoked");
    }
    const rotated = JSON.stringify({ ...record, state: "rotated" } satisfies StoredToken);
    // compare-and-set makes two concurrent uses of one token count as reuse, not as two refreshes
    const won = record.state === "active" && (await this.store.compareAndSet(key, raw, rotated, this.ttlMs));
    if (!won) {
      await this.revokeSession(record.userId, record.sessionId);
      throw unauthenticated("Refresh token was already used; the session has been revoked");
    }
    // extend, never recreate: a session ended while this refresh ran stays ended
    if (!(await this.revocation.sessionExtended(record.sessionId, record.userId, this.ttlMs))) {
      throw unauthenticated("Session has been revoked");
    }
    return {
      refreshToken: await this.issue(record.userId, record.sessionId),
      sessionId: record.sessionId,
      userId: record.userId,
    };
  }

  async revokeSession(userId: string, sessionId: string): Promise<void> {
    await this.revocation.sessionEnded(sessionId);
    await this.store.removeFromSet(userSessionsKey(userId), sessionId);
  }

  /** Every session of the user except `keep` (changePassword keeps the caller's own). */
  async revokeAll(userId: string, keep?: string): Promise<void> {
    for (const sessionId of await this.store.setMembers(userSessionsKey(userId))) {
      if (sessionId !== keep) await this.revokeSession(userId, sessionId);
    }
  }
}
