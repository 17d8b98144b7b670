import type { SharedStore } from "@campus/kv";

/**
 * Revoked access-token ids. Identity writes on logout; the router reads on
 * every request. An entry lives exactly as long as the token it blocks.
 */
export class AccessTokenDenyList {
  constructor(private readonly store: SharedStore) {}

  async revoke(tokenId: string, expiresAtMs: number, now = Date.now()): Promise<void> {
    const ttl = expiresAtMs - now;
    if (ttl > 0) await this.store.set(`denied-jti:${tokenId}`, "1", ttl);
  }

  async isRevoked(tokenId: string): Promise<boolean> {
    return (await this.store.get(`denied-jti:${tokenId}`)) !== null;
  }
}
