import { randomBytes } from "node:crypto";
import path from "node:path";
import { loadConfig } from "@campus/config";
import { catalogConfigSchema, createCatalogSubgraph } from "@campus/catalog";
import { openDatabase, startEmbeddedPostgres, type Database, type PGlite } from "@campus/database";
import { createEnrollmentSubgraph, enrollmentConfigSchema } from "@campus/enrollment";
import { openEventTransport } from "@campus/events";
import { createIdentitySubgraph, identityConfigSchema } from "@campus/identity";
import { createSharedStore, type SharedStore } from "@campus/kv";
import { createLogger } from "@campus/logging";
import { createRouter, routerConfigSchema } from "@campus/router";

export interface CampusOptions {
  /** Environment to read settings from (defaults to process.env). */
  env?: Record<string, string | undefined>;
  /** Keeps PGlite data and generated keys here; omitted: everything in memory. */
  dataDir?: string;
  /** 0 picks a free port. */
  ports?: { router?: number; identity?: number; catalog?: number; enrollment?: number };
  /** Shared store override (tests hand in a prefixed Redis store). */
  store?: SharedStore;
  /** Router checks override, for benchmarks. */
  routerChecks?: { authorization: boolean; rateLimit: boolean; queryLimits: boolean };
}

/**
 * The whole supergraph in one process: every subgraph and the router on its
 * own HTTP port (real HTTP between them), one PGlite with a schema per
 * subgraph unless a subgraph has a database URL, and the in-process store
 * unless REDIS_URL is set. `pnpm dev` and the test kit both start Campus here.
 */
export async function startCampus(options: CampusOptions = {}) {
  const env = { ...(options.env ?? process.env) };
  if (!env.INTERNAL_AUTH_SECRET) env.INTERNAL_AUTH_SECRET = randomBytes(32).toString("base64url");
  const secret = env.INTERNAL_AUTH_SECRET;
  const level = env.LOG_LEVEL || "info";
  const logger = createLogger("campus", level);
  // Platforms hand a process its port in PORT, and HOST where to listen: both mean the
  // router here. The subgraphs stay on loopback, on their own ports (free ones when PORT is set).
  const { PORT: routerPort, HOST: routerHost, ...subgraphEnv } = env;
  const subgraphPort = (fallback: number) => (routerPort ? 0 : fallback);
  const identityConfig = { ...loadConfig(identityConfigSchema, subgraphEnv), INTERNAL_AUTH_SECRET: secret };
  const catalogConfig = { ...loadConfig(catalogConfigSchema, subgraphEnv), INTERNAL_AUTH_SECRET: secret };
  const enrollmentConfig = { ...loadConfig(enrollmentConfigSchema, subgraphEnv), INTERNAL_AUTH_SECRET: secret };

  const needsPGlite =
    !identityConfig.IDENTITY_DATABASE_URL ||
    !catalogConfig.CATALOG_DATABASE_URL ||
    !enrollmentConfig.ENROLLMENT_DATABASE_URL ||
    (!identityConfig.KAFKA_BROKERS && !identityConfig.EVENTS_DATABASE_URL);
  const pglite: PGlite | undefined = needsPGlite
    ? await startEmbeddedPostgres(options.dataDir ? path.join(options.dataDir, "pglite") : undefined)
    : undefined;
  const store =
    options.store ??
    createSharedStore(identityConfig.REDIS_URL, {
      // the embedded promise: data survives restarts, signed-in sessions included
      persistFile: options.dataDir ? path.join(options.dataDir, "store.json") : undefined,
      onConnectionError: (error) => logger.error({ err: error }, "Redis connection lost; retrying"),
    });
  const databases: Database[] = [];
  const open = (schema: string, url?: string) => {
    const db = openDatabase({ schema, url, pglite });
    databases.push(db);
    return db;
  };
  const child = (service: string) => createLogger(service, level);
  // one transport for the process: every subgraph publishes to and consumes from it
  const events = await openEventTransport(identityConfig, { clientId: "campus", logger: child("events"), pglite });
  const ports = options.ports ?? {};

  const identity = await createIdentitySubgraph(identityConfig, {
    db: open("identity", identityConfig.IDENTITY_DATABASE_URL),
    store,
    events,
    dataDir: options.dataDir,
    logger: child("identity"),
  });
  const catalog = await createCatalogSubgraph(catalogConfig, {
    db: open("catalog", catalogConfig.CATALOG_DATABASE_URL),
    store,
    events,
    logger: child("catalog"),
  });
  const identityServer = await identity.start(ports.identity ?? subgraphPort(identityConfig.PORT));
  const catalogServer = await catalog.start(ports.catalog ?? subgraphPort(catalogConfig.PORT));
  const enrollment = await createEnrollmentSubgraph(enrollmentConfig, {
    db: open("enrollment", enrollmentConfig.ENROLLMENT_DATABASE_URL),
    store,
    events,
    logger: child("enrollment"),
    catalogUrl: `${catalogServer.url}/graphql`,
  });
  const enrollmentServer = await enrollment.start(ports.enrollment ?? subgraphPort(enrollmentConfig.PORT));

  const routerConfig = loadConfig(routerConfigSchema, {
    ...subgraphEnv,
    ...(routerPort ? { PORT: routerPort } : {}),
    ...(routerHost ? { HOST: routerHost } : {}),
    IDENTITY_URL: `${identityServer.url}/graphql`,
    CATALOG_URL: `${catalogServer.url}/graphql`,
    ENROLLMENT_URL: `${enrollmentServer.url}/graphql`,
    JWKS_URL: `${identityServer.url}/.well-known/jwks.json`,
  });
  const router = await createRouter(
    { ...routerConfig, INTERNAL_AUTH_SECRET: secret },
    { store, logger: child("router"), checks: options.routerChecks },
  );
  const routerServer = await router.start(ports.router ?? routerConfig.PORT);

  return {
    routerUrl: `${routerServer.url}/graphql`,
    subgraphUrls: {
      identity: `${identityServer.url}/graphql`,
      catalog: `${catalogServer.url}/graphql`,
      enrollment: `${enrollmentServer.url}/graphql`,
    },
    internalAuthSecret: secret,
    store,
    databases: Object.fromEntries(databases.map((db) => [db.schema, db])) as Record<
      "identity" | "catalog" | "enrollment",
      Database
    >,
    services: { accounts: identity.accounts, catalog, enrollment },
    events: { transport: events, identity: identity.events, catalog: catalog.events, enrollment: enrollment.events },
    logger,
    async stop() {
      await routerServer.stop();
      await enrollmentServer.stop();
      await catalogServer.stop();
      await identityServer.stop();
      await events.close();
      if (!options.store) await store.close();
      for (const db of databases) await db.close();
      await pglite?.close();
    },
  };
}

export type Campus = Awaited<ReturnType<typeof startCampus>>;
