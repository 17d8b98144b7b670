import { booleanFlag, commonEnv, port, positiveInt, z } from "@campus/config";

const url = z.string().url();

export const routerConfigSchema = z.object({
  ...commonEnv,
  PORT: port(4000),
  HOST: z.string().default("127.0.0.1"),
  /** Subgraph GraphQL endpoints. */
  IDENTITY_URL: url.default("http://127.0.0.1:4001/graphql"),
  CATALOG_URL: url.default("http://127.0.0.1:4002/graphql"),
  ENROLLMENT_URL: url.default("http://127.0.0.1:4003/graphql"),
  /** Where identity publishes its signing keys. */
  JWKS_URL: url.default("http://127.0.0.1:4001/.well-known/jwks.json"),
  JWT_ISSUER: z.string().default("campus-identity"),
  JWT_AUDIENCE: z.string().default("campus"),
  /** Seconds of clock difference tolerated on exp/nbf. */
  JWT_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  /** Introspection and Apollo Sandbox; default on outside production. */
  GRAPHQL_INTROSPECTION: z.enum(["true", "false"]).optional(),
  SANDBOX: z.enum(["true", "false"]).optional(),
  SUBGRAPH_TIMEOUT_MS: positiveInt(10_000),
  /** Requests per window per caller (user, or IP when anonymous) and operation. */
  RATE_LIMIT_ENABLED: booleanFlag(true),
  RATE_LIMIT_PER_MINUTE: positiveInt(600),
  /** Stricter budget for register/login/refreshTokens per IP. */
  RATE_LIMIT_AUTH_PER_MINUTE: positiveInt(20),
  MAX_QUERY_DEPTH: positiveInt(12),
  MAX_QUERY_ALIASES: positiveInt(30),
  MAX_QUERY_COST: positiveInt(5000),
  MAX_BODY_BYTES: positiveInt(100_000),
});

export type RouterConfig = z.infer<typeof routerConfigSchema>;

/** Introspection and Sandbox follow NODE_ENV unless set explicitly. */
export function developerToolsEnabled(config: RouterConfig) {
  const byDefault = config.NODE_ENV !== "production";
  return {
    introspection: config.GRAPHQL_INTROSPECTION ? config.GRAPHQL_INTROSPECTION === "true" : byDefault,
    sandbox: config.SANDBOX ? config.SANDBOX === "true" : byDefault,
  };
}
