import { eventsEnv } from "@campus/events";
import { booleanFlag, commonEnv, optionalUrlSetting, port, positiveInt, z } from "@campus/config";

export const identityConfigSchema = z.object({
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
  JWT_SIGNING_KEYS: z.string().optional(),
  ADMIN_EMAIL: z.string().email().optional(),
  ADMIN_PASSWORD: z.string().min(10).optional(),
  LOGIN_MAX_FAILURES: positiveInt(5),
  LOGIN_FAILURE_WINDOW_SECONDS: positiveInt(900),
  GRAPHQL_INLINE_TRACE: booleanFlag(false),
  GRAPHQL_INTROSPECTION: booleanFlag(true),
});

export type IdentityConfig = z.infer<typeof identityConfigSchema>;
