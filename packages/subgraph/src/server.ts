import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginInlineTrace } from "@apollo/server/plugin/inlineTrace";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import type { GraphQLSchema } from "graphql";
import { verifySignedRequest, type Viewer } from "@campus/auth";
import type { Database } from "@campus/database";
import { createErrorFormatter } from "@campus/errors";
import {
  introspectionDisabled,
  serveGraphQL,
  storableTextPlugin,
  type Route,
  type RunningServer,
  type StreamRoute,
  type WebhookRoute,
} from "@campus/http";
import type { SharedStore } from "@campus/kv";
import type { Logger } from "@campus/logging";
import { LoaderRegistry } from "./loaders";

/** What every subgraph resolver can rely on; subgraphs add their own fields. */
export interface SubgraphContext {
  viewer: Viewer;
  loaders: LoaderRegistry;
  requestId: string;
}

export interface SubgraphServerOptions {
  name: string;
  schema: GraphQLSchema;
  logger: Logger;
  db: Database;
  /** The shared store (Redis in production): readiness fails while it does not answer. */
  store: SharedStore;
  port: number;
  host?: string;
  internalAuthSecret: string;
  /** ftv1 traces cost time on every request; only when someone reads them. */
  inlineTrace: boolean;
  introspection: boolean;
  routes?: Record<string, Route>;
  webhooks?: Record<string, WebhookRoute>;
  streams?: Record<string, StreamRoute>;
  /** Readiness checks beside the database and the store (migrations); each returns true when healthy. */
  readinessChecks?: Record<string, () => Promise<boolean>>;
  /** Figures shown with readiness (e.g. event lag); they do not decide it. */
  readinessDetail?: () => Promise<Record<string, unknown>>;
}

async function check(probe: () => Promise<boolean>): Promise<boolean> {
  try {
    return await probe();
  } catch {
    return false;
  }
}

/** At most one warning per interval: a misconfigured router would otherwise log on every request. */
function throttled(intervalMs: number, log: (reason: string, suppressed: number) => void) {
  let last = 0;
  let suppressed = 0;
  return (reason: string) => {
    const now = Date.now();
    if (now - last < intervalMs) {
      suppressed += 1;
      return;
    }
    log(reason, suppressed);
    last = now;
    suppressed = 0;
  };
}

export async function startSubgraphServer(options: SubgraphServerOptions): Promise<RunningServer> {
  const { logger, db } = options;
  const apollo = new ApolloServer<SubgraphContext>({
    schema: options.schema,
    // Introspection is refused by our own rule below, whose message names the setting.
    introspection: true,
    validationRules: options.introspection ? [] : [introspectionDisabled],
    hideSchemaDetailsFromClientErrors: !options.introspection,
    includeStacktraceInErrorResponses: false,
    // runUntilSignalled drains and stops on SIGTERM; Apollo's own handler would re-raise the signal and exit 1
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter(logger, { hideSuggestions: !options.introspection }),
    logger,
    plugins: [
      {
        // Only the router talks HTTP status to clients; a 401/429 from a subgraph
        // would make the gateway treat a domain answer as a transport failure.
        async requestDidStart() {
          return {
            async willSendResponse({ response }) {
              response.http.status = 200;
              response.http.headers.delete("retry-after");
            },
          };
        },
      },
      storableTextPlugin(),
      options.inlineTrace ? ApolloServerPluginInlineTrace() : ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();

  const ready: Route = async () => {
    const checks: Record<string, boolean> = {
      database: await check(async () => (await db.query("SELECT 1 AS ok")).length === 1),
      store: await check(() => options.store.ping()),
    };
    for (const [name, probe] of Object.entries(options.readinessChecks ?? {})) checks[name] = await check(probe);
    const ok = Object.values(checks).every(Boolean);
    const detail = options.readinessDetail ? await options.readinessDetail().catch(() => undefined) : undefined;
    return { status: ok ? 200 : 503, body: { status: ok ? "ready" : "not ready", checks, ...detail } };
  };

  const warnRefused = throttled(10_000, (reason, suppressed) =>
    logger.warn(
      { reason, suppressedSinceLastWarning: suppressed },
      "refused a request without a valid router proof (a direct call, or INTERNAL_AUTH_SECRET differs from the router's)",
    ),
  );

  const server = await serveGraphQL<SubgraphContext, Viewer>({
    apollo,
    logger,
    port: options.port,
    host: options.host,
    routes: {
      "/health/live": async () => ({ status: 200, body: { status: "live" } }),
      "/health/ready": ready,
      ...options.routes,
    },
    webhooks: options.webhooks,
    streams: options.streams,
    authenticate: (request) => {
      const verdict = verifySignedRequest(options.internalAuthSecret, request, request.headers);
      if (verdict.refusal !== undefined) {
        warnRefused(verdict.refusal);
        return { refused: verdict.refusal };
      }
      return { accepted: verdict.viewer };
    },
    context: async (_req, requestId, viewer) => ({
      viewer: viewer!,
      loaders: new LoaderRegistry(),
      requestId,
    }),
  });
  logger.info({ url: server.url }, `${options.name} subgraph listening`);
  return server;
}
