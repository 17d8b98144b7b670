import path from "node:path";
import { AccessTokenRevocation } from "@campus/auth";
import { SubgraphEvents, type EventTransport } from "@campus/events";
import { applyMigrations, migrationsDir, type Database } from "@campus/database";
import type { SharedStore } from "@campus/kv";
import { createLogger, type Logger } from "@campus/logging";
import {
  buildFederatedSchema,
  LoaderRegistry,
  startSubgraphServer,
  type FederatedSchemaDefinition,
  type SubgraphContext,
} from "@campus/subgraph";
import type { IdentityConfig } from "./config";
import { createIdentityPrisma } from "./data/prisma";
import { UserRepository } from "./data/user-repository";
import { identityPermissions } from "./schema/permissions";
import { AccountResolver, ViewerResolver } from "./schema/resolvers";
import { AccessTokenIssuer } from "./service/access-tokens";
import { AccountService } from "./service/account-service";
import { RefreshSessions } from "./service/refresh-sessions";
import { loadSigningKeys } from "./service/signing-keys";

export const IDENTITY_MIGRATIONS = migrationsDir("identity");

/** The schema's shape; `container` supplies resolver instances when serving. */
export function identitySchema(
  container?: FederatedSchemaDefinition["container"],
  users?: UserRepository,
): FederatedSchemaDefinition {
  return {
    resolvers: [AccountResolver, ViewerResolver],
    federationImports: ["@key", "@shareable"],
    container,
    permissions: identityPermissions,
    referenceResolvers: {
      User: {
        __resolveReference: (ref: { id: string }, ctx: SubgraphContext) => users?.byId(ctx.loaders, ref.id),
      },
    },
  };
}

export interface IdentityRuntime {
  db: Database;
  store: SharedStore;
  /** Where generated signing keys persist; omitted: keys live for this process only. */
  dataDir?: string;
  /** Where the outbox relay publishes identity's events. */
  events: EventTransport;
  logger?: Logger;
}

/** Composition root: wires the identity subgraph's parts from config and adapters. */
export async function createIdentitySubgraph(
  config: IdentityConfig & { INTERNAL_AUTH_SECRET: string },
  runtime: IdentityRuntime,
) {
  const logger = runtime.logger ?? createLogger("identity", config.LOG_LEVEL);
  await applyMigrations(runtime.db, IDENTITY_MIGRATIONS);
  const prisma = createIdentityPrisma(runtime.db);
  const keys = await loadSigningKeys({
    configured: config.JWT_SIGNING_KEYS,
    keyFile: runtime.dataDir ? path.join(runtime.dataDir, "identity", "jwt-signing-keys.json") : undefined,
  });
  const events = new SubgraphEvents({
    subgraph: "identity",
    db: runtime.db,
    transport: runtime.events,
    store: runtime.store,
    logger,
    pollMs: config.EVENTS_POLL_MS,
  });
  const users = new UserRepository(prisma, events.outbox);
  const tokens = new AccessTokenIssuer(keys, {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
  });
  const revocation = new AccessTokenRevocation(runtime.store);
  const accounts = new AccountService(
    users,
    tokens,
    new RefreshSessions(runtime.store, revocation, config.REFRESH_TOKEN_TTL_SECONDS * 1000),
    revocation,
    runtime.store,
    { maxFailures: config.LOGIN_MAX_FAILURES, windowMs: config.LOGIN_FAILURE_WINDOW_SECONDS * 1000 },
    logger,
  );
  await accounts.ensureAdmin(config.ADMIN_EMAIL, config.ADMIN_PASSWORD);

  const resolvers = new Map<Function, unknown>([
    [AccountResolver, new AccountResolver(accounts)],
    [ViewerResolver, new ViewerResolver(users)],
  ]);
  const schema = buildFederatedSchema(identitySchema({ get: (cls) => resolvers.get(cls) }, users));

  return {
    accounts,
    users,
    events,
    loaders: () => new LoaderRegistry(),
    async start(port = config.PORT) {
      const server = await startSubgraphServer({
        name: "identity",
        schema,
        logger,
        db: runtime.db,
        store: runtime.store,
        migrationsDir: IDENTITY_MIGRATIONS,
        port,
        host: config.HOST,
        internalAuthSecret: config.INTERNAL_AUTH_SECRET,
        inlineTrace: config.GRAPHQL_INLINE_TRACE,
        introspection: config.GRAPHQL_INTROSPECTION,
        routes: {
          "/.well-known/jwks.json": async () => ({
            status: 200,
            body: tokens.jwks(),
            headers: { "cache-control": "max-age=300" },
          }),
        },
        readinessDetail: async () => ({ events: await events.health() }),
      });
      await events.start();
      return {
        url: server.url,
        async stop() {
          await server.close();
          await events.stop();
          await prisma.$disconnect();
        },
      };
    },
  };
}
