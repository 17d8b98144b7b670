import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { exportJWK, generateKeyPair, importJWK, type JWK, type KeyLike } from "jose";

export const SIGNING_ALGORITHM = "EdDSA";

export interface SigningKey {
  kid: string;
  privateKey: KeyLike | Uint8Array;
  publicJwk: JWK;
}

/** The active key signs; every key (active and retiring) is published. */
export interface SigningKeys {
  active: SigningKey;
  all: SigningKey[];
}

async function fromPrivateJwks(jwks: JWK[]): Promise<SigningKeys> {
  if (jwks.length === 0) throw new Error("JWT_SIGNING_KEYS must hold at least one key");
  const all = await Promise.all(
    jwks.map(async (jwk) => {
      if (!jwk.kid) throw new Error("every JWT signing key needs a kid");
      if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || !jwk.d) {
        throw new Error(`JWT signing key ${jwk.kid} must be a private Ed25519 JWK`);
      }
      const { d: _private, ...publicJwk } = jwk;
      return {
        kid: jwk.kid,
        privateKey: await importJWK({ ...jwk, alg: SIGNING_ALGORITHM }, SIGNING_ALGORITHM),
        publicJwk: { ...publicJwk, alg: SIGNING_ALGORITHM, use: "sig" },
      };
    }),
  );
  return { active: all[0]!, all };
}

export async function generatePrivateJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { crv: "Ed25519", extractable: true });
  return { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: SIGNING_ALGORITHM };
}

/**
 * Keys come from config (JWT_SIGNING_KEYS). The embedded runtime, which has no
 * secret store, generates a pair once and keeps it in `keyFile` so tokens stay
 * valid across restarts; with neither, keys live for this process only (tests).
 */
export async function loadSigningKeys(options: { configured?: string; keyFile?: string }): Promise<SigningKeys> {
  if (options.configured) return fromPrivateJwks(JSON.parse(options.configured) as JWK[]);
  if (options.keyFile && existsSync(options.keyFile)) {
    return fromPrivateJwks(JSON.parse(readFileSync(options.keyFile, "utf8")) as JWK[]);
  }
  const generated = [await generatePrivateJwk()];
  if (options.keyFile) {
    mkdirSync(path.dirname(options.keyFile), { recursive: true });
    writeFileSync(options.keyFile, JSON.stringify(generated, null, 2), { mode: 0o600 });
  }
  return fromPrivateJwks(generated);
}
