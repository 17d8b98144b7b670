import { eventsEnv } from "@campus/events";
import { booleanFlag, commonEnv, optionalUrlSetting, port, positiveInt, z } from "@campus/config";

const SIGNING_KEYS_EXPECTED =
  "must be a JSON array of private Ed25519 JWKs, each with a kid (docs/operations.md shows how to make one)";

/** Checked at start, so a bad value stops the process naming the variable instead of failing on first use. */
const signingKeys = z
  .string()
  .optional()
  .superRefine((value, ctx) => {
    if (value === undefined) return;
    let keys: unknown;
    try {
      keys = JSON.parse(value);
    } catch {
      ctx.addIssue({ code: "custom", message: `${SIGNING_KEYS_EXPECTED}; it is not JSON` });
      return;
    }
    const isPrivateEd25519 = (key: unknown) => {
      const jwk = key as Record<string, unknown> | null;
      return (
        typeof jwk === "object" &&
        jwk !== null &&
        typeof jwk.kid === "string" &&
        jwk.kty === "OKP" &&
        jwk.crv === "Ed25519" &&
        typeof jwk.d === "string"
      );
    };
    if (!Array.isArray(keys) || keys.length === 0 || !keys.every(isPrivateEd25519)) {
      ctx.addIssue({ code: "custom", message: SIGNING_KEYS_EXPECTED });
    }
  });

export const identityConfigSchema = z
  .object({
    ...commonEnv,
    ...eventsEnv,
    PORT: port(4001),
    HOST: z.string().default("127.0.0.1"),
    IDENTITY_DATABASE_URL: optionalUrlSetting,
    JWT_ISSUER: z.string().default("campus-identity"),
    JWT_AUDIENCE: z.string().default("campus"),
    ACCESS_TOKEN_TTL_SECONDS: positiveInt(900),
    REFRESH_TOKEN_TTL_SECONDS: positiveInt(30 * 24 * 3600),
    /**
     * JSON array of private Ed25519 JWKs, each with a `kid`. The first signs new
     * tokens; all are published in the JWKS so tokens signed by a retiring key
     * stay valid until they expire. Unset: a key pair is generated once and kept
     * under DATA_DIR (embedded runtime only).
     */
    JWT_SIGNING_KEYS: signingKeys,
    /** The first admin, created at start when the account does not exist yet; needs ADMIN_PASSWORD. */
    ADMIN_EMAIL: z.string().email("must be an email address").optional(),
    ADMIN_PASSWORD: z.string().min(10, "must be at least 10 characters").optional(),
    LOGIN_MAX_FAILURES: positiveInt(5),
    LOGIN_FAILURE_WINDOW_SECONDS: positiveInt(900),
    GRAPHQL_INLINE_TRACE: booleanFlag(false),
    GRAPHQL_INTROSPECTION: booleanFlag(true),
  })
  .superRefine((config, ctx) => {
    if (config.ADMIN_EMAIL && !config.ADMIN_PASSWORD) {
      ctx.addIssue({ code: "custom", path: ["ADMIN_PASSWORD"], message: "required when ADMIN_EMAIL is set" });
    }
  });

export type IdentityConfig = z.infer<typeof identityConfigSchema>;
