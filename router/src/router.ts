import { readFileSync } from "node:fs";
import path from "node:path";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import { AccessTokenRevocation } from "@campus/auth";
import { createErrorFormatter } from "@campus/errors";
import { serveGraphQL } from "@campus/http";
import type { SharedStore } from "@campus/kv";
import { createLogger, type Logger } from "@campus/logging";
import { TokenVerifier } from "./authentication";
import { developerToolsEnabled, type RouterConfig } from "./config";
import { authorizationPlugin, type RouterContext } from "./plugins/authorization";
import { queryLimitsPlugin } from "./plugins/query-limits";
import { rateLimitPlugin } from "./plugins/rate-limit";
import { retryAfterPlugin } from "./plugins/retry-after";
import { SubgraphSource } from "./subgraph-source";

export const SUPERGRAPH_PATH = path.resolve(__dirname, "../../schema/supergraph.graphql");

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
  const subgraphUrls: Record<string, string> = {
    identity: config.IDENTITY_URL,
    catalog: config.CATALOG_URL,
    enrollment: config.ENROLLMENT_URL,
  };
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl ?? readFileSync(SUPERGRAPH_PATH, "utf8"),
    buildService: ({ name, url }) =>
      new SubgraphSource(subgraphUrls[name] ?? url!, config.INTERNAL_AUTH_SECRET, config.SUBGRAPH_TIMEOUT_MS),
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

  // Order matters: who may call (RBAC) before how often (rate limit) before how much (cost).
  const plugins: ApolloServerPlugin<RouterContext>[] = [
    tools.sandbox
      ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })
      : ApolloServerPluginLandingPageDisabled(),
    retryAfterPlugin(),
  ];
  if (checks.authorization) plugins.push(authorizationPlugin());
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

  const apollo = new ApolloServer<RouterContext>({
    gateway,
    introspection: tools.introspection,
    includeStacktraceInErrorResponses: false,
    // the process drains and stops on SIGTERM itself; Apollo's handler would re-raise the signal and exit 1
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter(logger),
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
        routes: { "/health": async () => ({ status: 200, body: { status: "ok" } }) },
        context: async (req) => ({
          viewer: await verifier.viewerFor(req.headers.authorization, req.socket.remoteAddress ?? "unknown"),
        }),
      });
      logger.info({ url: `${server.url}/graphql`, sandbox: tools.sandbox }, "router listening");
      return { url: server.url, stop: () => server.close() };
    },
  };
}
