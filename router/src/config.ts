import { booleanFlag, commonEnv, port, positiveInt, z } from "@campus/config";
import { defaultPort, localSubgraphUrl, ROUTER_PORT, SUBGRAPHS, urlSetting } from "@campus/subgraph";

const url = z.string().url("must be a URL, e.g. http://catalog:4002/graphql");

const routerSettings = z.object({
  ...commonEnv,
  PORT: port(ROUTER_PORT),
  HOST: z.string().default("127.0.0.1"),
  /** Where identity publishes its signing keys. */
  JWKS_URL: url.default(`http://127.0.0.1:${defaultPort("identity")}/.well-known/jwks.json`),
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
  /** First-party automatic persisted queries, kept in the SharedStore (shared by every replica). */
  APQ_TTL_SECONDS: positiveInt(24 * 3600),
  /** Larger documents run but are not stored for APQ. */
  APQ_MAX_DOCUMENT_BYTES: positiveInt(20_000),
  /** First-party traffic runs only the operations of the first-party manifest(s), by hash (docs/partners.md). */
  SAFELIST_ONLY: booleanFlag(false),
  /** More manifests (comma-separated paths) besides schema/persisted-query-manifest.json, e.g. the web app's. */
  SAFELIST_MANIFESTS: z.string().optional(),
  /** Sent as `Link: <…>; rel="deprecation"` with every response that uses something deprecated. */
  DEPRECATION_DOCS_URL: url.optional(),
  /** Days the per-client counts of deprecated fields are kept. */
  DEPRECATION_USAGE_RETENTION_DAYS: positiveInt(90),
});

/**
 * The router's settings: its own, and `<NAME>_URL` for every subgraph of the
 * list (supergraph.ts), each defaulting to the subgraph's port on 127.0.0.1.
 */
export const routerConfigSchema = routerSettings.extend(
  Object.fromEntries(SUBGRAPHS.map((entry) => [urlSetting(entry.name), url.default(localSubgraphUrl(entry.name))])),
) as unknown as typeof routerSettings;

export type RouterConfig = z.infer<typeof routerSettings>;

/** A subgraph's GraphQL endpoint as configured (`<NAME>_URL`). */
export function subgraphUrl(config: RouterConfig, name: string): string {
  return (config as unknown as Record<string, string>)[urlSetting(name)]!;
}

/** Introspection and Sandbox follow NODE_ENV unless set explicitly. */
export function developerToolsEnabled(config: RouterConfig) {
  const byDefault = config.NODE_ENV !== "production";
  return {
    introspection: config.GRAPHQL_INTROSPECTION ? config.GRAPHQL_INTROSPECTION === "true" : byDefault,
    sandbox: config.SANDBOX ? config.SANDBOX === "true" : byDefault,
  };
}
