import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from "jose";
import { ANONYMOUS, isRole, type AccessTokenRevocation, type Viewer } from "@campus/auth";
import { unauthenticated } from "@campus/errors";

export interface TokenVerifierSettings {
  jwksUrl: string;
  issuer: string;
  audience: string;
  clockToleranceSeconds: number;
}

/**
 * Only EdDSA is accepted: `none`, HS* (which an attacker could "sign" with the
 * public key) and anything else fail before the signature is even checked.
 */
const ALLOWED_ALGORITHMS = ["EdDSA"];

/** Verifies bearer tokens against identity's JWKS (cached; refetched on unknown `kid`). */
export class TokenVerifier {
  private readonly keys: JWTVerifyGetKey;

  constructor(
    private readonly settings: TokenVerifierSettings,
    private readonly revocation: AccessTokenRevocation,
  ) {
    this.keys = createRemoteJWKSet(new URL(settings.jwksUrl), {
      cacheMaxAge: 10 * 60_000,
      cooldownDuration: 30_000,
      timeoutDuration: 5_000,
    });
  }

  /** No header: anonymous. A header that does not verify: UNAUTHENTICATED (401). */
  async viewerFor(authorization: string | undefined, clientIp: string): Promise<Viewer> {
    if (!authorization) return { ...ANONYMOUS, clientIp };
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw unauthenticated("Authorization header must be 'Bearer <token>'");
    let payload;
    try {
      ({ payload } = await jwtVerify(match[1]!, this.keys, {
        algorithms: ALLOWED_ALGORITHMS,
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        clockTolerance: this.settings.clockToleranceSeconds,
        requiredClaims: ["sub", "exp", "jti", "sid"],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw unauthenticated("Access token has expired");
      if (error instanceof joseErrors.JOSEError) throw unauthenticated("Access token is invalid");
      throw error; // JWKS unreachable etc.: an outage, not the caller's fault
    }
    if (typeof payload.sid !== "string" || (payload.stamp !== undefined && typeof payload.stamp !== "string")) {
      throw unauthenticated("Access token is invalid");
    }
    const refusal = await this.revocation.refusal({
      jti: payload.jti!,
      sub: payload.sub!,
      sid: payload.sid,
      stamp: payload.stamp as string | undefined,
    });
    if (refusal) throw unauthenticated(refusal);
    const roles = Array.isArray(payload.roles)
      ? (payload.roles as unknown[]).filter((r): r is string => typeof r === "string")
      : [];
    return {
      userId: payload.sub!,
      roles: roles.filter(isRole),
      clientIp,
      sessionId: payload.sid,
      tokenId: payload.jti!,
      tokenExpiresAt: payload.exp! * 1000,
    };
  }
}
