import { readFileSync } from "node:fs";
import path from "node:path";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import { AccessTokenRevocation, PartnerDirectory } from "@campus/auth";
import { createErrorFormatter } from "@campus/errors";
import { introspectionDisabled, serveGraphQL, storableTextPlugin } from "@campus/http";
import type { SharedStore } from "@campus/kv";
import { createLogger, type Logger } from "@campus/logging";
import { loadSupergraph } from "@campus/subgraph";
import { SharedStoreApqCache } from "./apq-cache";
import { TokenVerifier } from "./authentication";
import { developerToolsEnabled, subgraphUrl, type RouterConfig } from "./config";
import { explorerRoutes } from "./explorer";
import { PartnerAuthentication } from "./partner-authentication";
import { authorizationPlugin, rootPermissionsOf, type RouterContext } from "./plugins/authorization";
import { cacheControlPlugin } from "./plugins/cache-control";
import { cacheHintsOf } from "./plugins/cache-policy";
import { DeprecatedUsageCounter } from "./plugins/deprecated-usage";
import { deprecationPlugin } from "./plugins/deprecation";
import { firstPartySafelistPlugin, loadFirstPartyManifests } from "./plugins/first-party-safelist";
import { graphqlOverHttpPlugin } from "./plugins/graphql-over-http";
import { partnerManifestPlugin } from "./plugins/partner-manifest";
import { partnerSafelistPlugin } from "./plugins/partner-safelist";
import { queryLimitsPlugin } from "./plugins/query-limits";
import { rateLimitPlugin } from "./plugins/rate-limit";
import { retryAfterPlugin } from "./plugins/retry-after";
import { SubgraphSource } from "./subgraph-source";

export const SUPERGRAPH_PATH = path.resolve(__dirname, "../../schema/supergraph.graphql");
/** The first-party manifest `pnpm safelist:manifest` builds from schema/operations. */
export const FIRST_PARTY_MANIFEST_PATH = path.resolve(__dirname, "../../schema/persisted-query-manifest.json");

export interface RouterOptions {
  store: SharedStore;
  logger?: Logger;
  /** Defaults to the checked-in schema/supergraph.graphql. */
  supergraphSdl?: string;
  /** Benchmarks switch the per-request checks off to price them; always on otherwise. */
  checks?: { authorization: boolean; rateLimit: boolean; queryLimits: boolean };
}

export async function createRouter(config: RouterConfig & { INTERNAL_AUTH_SECRET: string }, options: RouterOptions) {
  const logger = options.logger ?? createLogger("router", config.LOG_LEVEL);
  const checks = options.checks ?? { authorization: true, rateLimit: config.RATE_LIMIT_ENABLED, queryLimits: true };
  const tools = developerToolsEnabled(config);
  // Every subgraph of the list: where it listens, and who may call its root fields.
  const subgraphs = loadSupergraph();
  const subgraphUrls = Object.fromEntries(subgraphs.map((s) => [s.name, subgraphUrl(config, s.name)]));
  const permissions = rootPermissionsOf(subgraphs);
  const cacheHints = cacheHintsOf(subgraphs);
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl ?? readFileSync(SUPERGRAPH_PATH, "utf8"),
    buildService: ({ name, url }) =>
      new SubgraphSource(
        name,
        subgraphUrls[name] ?? url!,
        config.INTERNAL_AUTH_SECRET,
        config.SUBGRAPH_TIMEOUT_MS,
        logger,
      ),
    logger,
  });
  const verifier = new TokenVerifier(
    {
      jwksUrl: config.JWKS_URL,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      clockToleranceSeconds: config.JWT_CLOCK_TOLERANCE_SECONDS,
    },
    new AccessTokenRevocation(options.store),
  );
  const directory = new PartnerDirectory(options.store);
  const partnerKeys = new PartnerAuthentication(directory);

  // Apollo Server runs every plugin's didResolveOperation at once, so the checks (who may
  // call: RBAC; how often: rate limit; how much: cost) each decide alone: a refused call
  // still counts against its caller's rate limit, as an attempt.
  const plugins: ApolloServerPlugin<RouterContext>[] = [
    tools.sandbox
      ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })
      : ApolloServerPluginLandingPageDisabled(),
    graphqlOverHttpPlugin(),
    retryAfterPlugin(),
    // which document runs: a partner's listed one, or (SAFELIST_ONLY) a first-party listed one
    partnerSafelistPlugin(directory, logger),
    ...(config.SAFELIST_ONLY
      ? [
          firstPartySafelistPlugin(
            loadFirstPartyManifests([FIRST_PARTY_MANIFEST_PATH, ...(config.SAFELIST_MANIFESTS?.split(",") ?? [])]),
          ),
        ]
      : []),
    storableTextPlugin(),
    partnerManifestPlugin(directory, permissions),
    // ours computes the policy from the subgraphs' hints (Apollo's sees no field behind a gateway)
    ApolloServerPluginCacheControlDisabled(),
    cacheControlPlugin(cacheHints, logger),
  ];
  if (checks.authorization) plugins.push(authorizationPlugin(permissions));
  if (checks.rateLimit) {
    plugins.push(
      rateLimitPlugin(options.store, {
        perMinute: config.RATE_LIMIT_PER_MINUTE,
        authPerMinute: config.RATE_LIMIT_AUTH_PER_MINUTE,
      }),
    );
  }
  if (checks.queryLimits) {
    plugins.push(
      queryLimitsPlugin({
        maxDepth: config.MAX_QUERY_DEPTH,
        maxAliases: config.MAX_QUERY_ALIASES,
        maxCost: config.MAX_QUERY_COST,
      }),
    );
  }

  // counts only operations that run (every check let them through)
  plugins.push(
    deprecationPlugin({
      counter: new DeprecatedUsageCounter(options.store, {
        retentionDays: config.DEPRECATION_USAGE_RETENTION_DAYS,
        flushEveryMs: 10_000,
        onError: (error) => logger.warn({ err: error }, "deprecated usage counts not stored"),
      }),
      logger,
      ...(config.DEPRECATION_DOCS_URL ? { docsUrl: config.DEPRECATION_DOCS_URL } : {}),
    }),
  );

  const apollo = new ApolloServer<RouterContext>({
    gateway,
    // Refused by our own rule when off, whose message names GRAPHQL_INTROSPECTION.
    introspection: true,
    persistedQueries: {
      cache: new SharedStoreApqCache(options.store, { maxDocumentBytes: config.APQ_MAX_DOCUMENT_BYTES }),
      ttl: config.APQ_TTL_SECONDS,
    },
    validationRules: tools.introspection ? [] : [introspectionDisabled],
    // With introspection off, "Did you mean …?" hints would spell out the schema instead.
    hideSchemaDetailsFromClientErrors: !tools.introspection,
    includeStacktraceInErrorResponses: false,
    // the process drains and stops on SIGTERM itself; Apollo's handler would re-raise the signal and exit 1
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter(logger, { hideSuggestions: !tools.introspection }),
    logger,
    plugins,
  });
  await apollo.start();

  return {
    async start(port = config.PORT) {
      const server = await serveGraphQL<RouterContext>({
        apollo,
        logger,
        port,
        host: config.HOST,
        maxBodyBytes: config.MAX_BODY_BYTES,
        routes: {
          "/health": async () => ({ status: 200, body: { status: "ok" } }),
          ...(tools.sandbox ? explorerRoutes() : {}),
        },
        context: (req) =>
          partnerKeys.callerFor(req, () =>
            verifier.viewerFor(req.headers.authorization, req.socket.remoteAddress ?? "unknown"),
          ),
      });
      logger.info(
        {
          url: `${server.url}/graphql`,
          sandbox: tools.sandbox,
          ...(tools.sandbox ? { explorer: `${server.url}/explorer` } : {}),
        },
        "router listening",
      );
      return { url: server.url, stop: () => server.close() };
    },
  };
}
