import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isKind, KINDS, type NotificationKind } from "./kinds";

/**
 * The token of an email's unsubscribe link: who and which kind, signed with a
 * key derived from the internal secret, so a link works without signing in
 * and cannot be forged for someone else or for a locked (security) kind.
 * It does not expire: a link in an old email still unsubscribes.
 */
export class UnsubscribeTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac("sha256", secret).update("campus notification unsubscribe v1").digest();
  }

  sign(userId: string, kind: NotificationKind): string {
    const payload = Buffer.from(`${userId}:${kind}`).toString("base64url");
    return `${payload}.${this.mac(payload)}`;
  }

  /** The user and kind a token names, or undefined for anything this service did not sign. */
  verify(token: string): { userId: string; kind: NotificationKind } | undefined {
    const [payload, mac] = token.split(".");
    if (!payload || !mac) return undefined;
    const expected = Buffer.from(this.mac(payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    const [userId, kind] = Buffer.from(payload, "base64url").toString("utf8").split(":");
    if (!userId || !kind || !isKind(kind) || KINDS[kind].emailLocked) return undefined;
    return { userId, kind };
  }

  private mac(payload: string): string {
    return createHmac("sha256", this.key).update(payload).digest("base64url");
  }
}

/**
 * The secret unsubscribe tokens are signed with. In production
 * INTERNAL_AUTH_SECRET, which every replica shares. Elsewhere, with a data
 * directory (`pnpm dev`, whose INTERNAL_AUTH_SECRET is new on every start
 * unless set), a key kept in `<dataDir>/notification/unsubscribe.key`, so the
 * links in the .eml files of earlier runs keep working.
 */
export function unsubscribeSecret(internalSecret: string, options: { production: boolean; dataDir?: string }): string {
  if (options.production || !options.dataDir) return internalSecret;
  const file = path.join(options.dataDir, "notification", "unsubscribe.key");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const key = randomBytes(32).toString("base64url");
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}
