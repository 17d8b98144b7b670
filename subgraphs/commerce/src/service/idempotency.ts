import { createHash } from "node:crypto";

/**
 * What an idempotency key stands for: a hash of the request's parts, stored
 * with the key. The same key with another request is refused (CONFLICT), so a
 * retry can only ever replay the request it repeats.
 */
export function requestHash(...parts: unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}
