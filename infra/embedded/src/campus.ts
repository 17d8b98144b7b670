import { randomBytes } from "node:crypto";
import path from "node:path";
import type { AnalyticsServices } from "@campus/analytics";
import type { AssessmentServices } from "@campus/assessment";
import type { CatalogServices } from "@campus/catalog";
import type { CommerceServices } from "@campus/commerce";
import type { ContentServices } from "@campus/content";
import { loadConfig } from "@campus/config";
import { openDatabase, startEmbeddedPostgres, type Database, type PGlite } from "@campus/database";
import type { EnrollmentServices } from "@campus/enrollment";
import { openEventTransport, type SubgraphEvents } from "@campus/events";
import type { IdentityServices } from "@campus/identity";
import { createSharedStore, type SharedStore } from "@campus/kv";
import { createLogger } from "@campus/logging";
import { createRouter, routerConfigSchema } from "@campus/router";
import type { NotificationServices } from "@campus/notification";
import type { SearchServices } from "@campus/search";
import {
  databaseUrlSetting,
  loadSupergraph,
  urlSetting,
  type KitSettings,
  type RunningSubgraph,
} from "@campus/subgraph";

export interface CampusOptions {
  /** Environment to read settings from (defaults to process.env). */
  env?: Record<string, string | undefined>;
  /** Keeps PGlite data, the local store and generated keys here; omitted: everything in memory. */
  dataDir?: string;
  /**
   * Where to listen: "free" puts the router and every subgraph on free ports
   * (tests, tools); by default the router takes PORT (else 4000) and the
   * subgraphs their ports from the list, or free ones when PORT is set.
   */
  ports?: "free";
  /** Shared store override (tests hand in a prefixed Redis store). */
  store?: SharedStore;
  /** Router checks override, for benchmarks. */
  routerChecks?: { authorization: boolean; rateLimit: boolean; queryLimits: boolean };
}

/**
 * What the demo data and the tests reach in the subgraphs of this repository;
 * every subgraph of the list is in `services` under its name.
 */
export interface CampusServices {
  identity: IdentityServices;
  catalog: CatalogServices;
  enrollment: EnrollmentServices;
  commerce: CommerceServices;
  content: ContentServices;
  assessment: AssessmentServices;
  search: SearchServices;
  analytics: AnalyticsServices;
  notification: NotificationServices;
}

/** One value per subgraph of the list; those of this repository by their names. */
export type ByName<T> = Record<keyof CampusServices, T> & Record<string, T>;

/**
 * The whole supergraph in one process: every subgraph of the list
 * (supergraph.ts) and the router, each on its own HTTP port (real HTTP
 * between them), one PGlite with a schema per subgraph unless a subgraph has
 * a database URL, and the in-process store unless REDIS_URL is set. `pnpm dev`
 * and the e2e tests both start Campus here.
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
  const free = options.ports === "free" || Boolean(routerPort);

  const definitions = loadSupergraph();
  const configs = definitions.map(
    (definition) => loadConfig(definition.settingsSchema, subgraphEnv) as KitSettings & Record<string, unknown>,
  );
  const databaseUrl = (index: number) =>
    configs[index]![databaseUrlSetting(definitions[index]!.name)] as string | undefined;
  // Redis and the event settings are the kit's, alike for every subgraph: read them once.
  const shared = configs[0]!;
  const needsPGlite =
    definitions.some((_definition, index) => !databaseUrl(index)) ||
    (!shared.KAFKA_BROKERS && !shared.EVENTS_DATABASE_URL);
  const pglite: PGlite | undefined = needsPGlite
    ? await startEmbeddedPostgres(options.dataDir ? path.join(options.dataDir, "pglite") : undefined)
    : undefined;
  const store =
    options.store ??
    createSharedStore(shared.REDIS_URL, {
      // the embedded promise: data survives restarts, signed-in sessions included
      persistFile: options.dataDir ? path.join(options.dataDir, "store.json") : undefined,
      onConnectionError: (error) => logger.error({ err: error }, "Redis connection lost; retrying"),
    });
  // one transport for the process: every subgraph publishes to and consumes from it
  const transport = await openEventTransport(shared, {
    clientId: "campus",
    logger: createLogger("events", level),
    pglite,
  });

  const urls: Record<string, string> = {};
  const running: RunningSubgraph<unknown>[] = [];
  for (const [index, definition] of definitions.entries()) {
    const db = openDatabase({ schema: definition.name, url: databaseUrl(index), pglite });
    const subgraph = await definition.start(
      configs[index]!,
      {
        db,
        store,
        transport,
        logger: createLogger(definition.name, level),
        secret,
        dataDir: options.dataDir,
        neighbourUrls: () => urls,
      },
      free ? 0 : configs[index]!.PORT,
    );
    urls[definition.name] = `${subgraph.url}/graphql`;
    running.push(subgraph);
  }

  const routerConfig = loadConfig(routerConfigSchema, {
    ...subgraphEnv,
    ...(routerPort ? { PORT: routerPort } : {}),
    ...(routerHost ? { HOST: routerHost } : {}),
    ...Object.fromEntries(definitions.map((definition) => [urlSetting(definition.name), urls[definition.name]])),
    JWKS_URL: urls.identity!.replace(/\/graphql$/, "/.well-known/jwks.json"),
  });
  const router = await createRouter(
    { ...routerConfig, INTERNAL_AUTH_SECRET: secret },
    { store, logger: createLogger("router", level), checks: options.routerChecks },
  );
  const routerServer = await router.start(options.ports === "free" ? 0 : routerConfig.PORT);
  const byName = <T>(pick: (subgraph: RunningSubgraph<unknown>) => T) =>
    Object.fromEntries(running.map((subgraph) => [subgraph.name, pick(subgraph)]));

  return {
    routerUrl: `${routerServer.url}/graphql`,
    /** Each subgraph's GraphQL URL, by name. */
    subgraphUrls: urls as ByName<string>,
    internalAuthSecret: secret,
    store,
    /** Each subgraph's database, by name. */
    databases: byName((subgraph) => subgraph.db) as ByName<Database>,
    services: byName((subgraph) => subgraph.services) as unknown as CampusServices & Record<string, unknown>,
    /** The shared transport, and each subgraph's outbox, relay and consumers by name. */
    events: { transport, subgraphs: byName((subgraph) => subgraph.events) as ByName<SubgraphEvents<unknown>> },
    logger,
    async stop() {
      await routerServer.stop();
      for (const subgraph of [...running].reverse()) await subgraph.stop();
      await transport.close();
      if (!options.store) await store.close();
      for (const subgraph of running) await subgraph.db.close();
      await pglite?.close();
    },
  };
}

export type Campus = Awaited<ReturnType<typeof startCampus>>;
