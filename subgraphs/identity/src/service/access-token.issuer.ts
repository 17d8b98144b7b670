import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { SIGNING_ALGORITHM, type SigningKeys } from "./signing-keys";

export interface AccessTokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export interface AccessTokenSubject {
  userId: string;
  roles: string[];
  sessionId: string;
  /** The account's security stamp, when it has one (see AccessTokenRevocation). */
  securityStamp?: string;
}

/** Short-lived JWTs the router verifies against identity's JWKS. */
export class AccessTokenIssuer {
  constructor(
    private readonly keys: SigningKeys,
    private readonly settings: AccessTokenSettings,
  ) {}

  get ttlSeconds() {
    return this.settings.ttlSeconds;
  }

  async issue(subject: AccessTokenSubject): Promise<string> {
    const stamp = subject.securityStamp ? { stamp: subject.securityStamp } : {};
    return new SignJWT({ roles: subject.roles, sid: subject.sessionId, ...stamp })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: this.keys.active.kid, typ: "JWT" })
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setSubject(subject.userId)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${this.settings.ttlSeconds}s`)
      .sign(this.keys.active.privateKey);
  }

  jwks() {
    return { keys: this.keys.all.map((key) => key.publicJwk) };
  }
}
