import { hash, verify, type Options } from "@node-rs/argon2";
import { badInput } from "@campus/errors";

// algorithm 2 is Argon2id (a const enum, which isolatedModules cannot import); OWASP minimums.
const ARGON2: Options = { algorithm: 2 as Options["algorithm"], memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const MIN_PASSWORD_LENGTH = 10;

/** Length beats composition rules (NIST 800-63B); the email is the first guess an attacker makes. */
export function assertPasswordPolicy(password: string, email: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw badInput(`Password must be at least ${MIN_PASSWORD_LENGTH} characters`, { field: "password" });
  }
  if (password.length > 256) throw badInput("Password is too long", { field: "password" });
  const local = email.split("@")[0] ?? "";
  if (password.toLowerCase() === email.toLowerCase() || password.toLowerCase() === local.toLowerCase()) {
    throw badInput("Password must not be your email", { field: "password" });
  }
}

export const hashPassword = (password: string) => hash(password, ARGON2);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * Verifying against this when the email is unknown makes "no such user" cost
 * the same as "wrong password", so response time does not reveal accounts.
 */
let dummyHash: Promise<string> | undefined;
export function timingDummyHash(): Promise<string> {
  dummyHash ??= hash("timing-equaliser-not-a-password", ARGON2);
  return dummyHash;
}
