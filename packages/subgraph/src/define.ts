import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { GraphQLResolverMap } from "@apollo/subgraph";
import { booleanFlag, commonEnv, configError, optionalUrlSetting, port, z } from "@campus/config";
import {
  applyMigrations,
  applySharedTables,
  migrationsDir,
  migrationsUpToDate,
  sharedTablesUpToDate,
  type Database,
} from "@campus/database";
import {
  eventsEnv,
  SubgraphEvents,
  UnitOfWork,
  type EventTransport,
  type HandlerEntry,
  type PrismaRawExecutor,
  type TransactionalPrisma,
} from "@campus/events";
import type { Route, StreamRoute, WebhookRoute } from "@campus/http";
import type { SharedStore } from "@campus/kv";
import type { Logger } from "@campus/logging";
import { SUBGRAPHS } from "../../../supergraph";
import type { CacheHints } from "./cache-hints";
import { buildFederatedSchema, subgraphSdl, type SubgraphGraphQL, type SubgraphPermissions } from "./federated-schema";
import { startSubgraphServer, type SubgraphContext } from "./server";

/** `catalog` → `CATALOG`: the prefix of a subgraph's own settings (`CATALOG_DATABASE_URL`, `CATALOG_URL`). */
export const settingPrefix = (name: string) => name.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
export const databaseUrlSetting = (name: string) => `${settingPrefix(name)}_DATABASE_URL`;
export const urlSetting = (name: string) => `${settingPrefix(name)}_URL`;

/** Where the list (supergraph.ts) says a subgraph listens by default. */
export function defaultPort(name: string): number {
  const entry = SUBGRAPHS.find((subgraph) => subgraph.name === name);
  if (!entry) throw new Error(`${name} is not in the list of subgraphs (supergraph.ts)`);
  return entry.port;
}

/** A subgraph's GraphQL endpoint on this machine, at its port in the list: every `<NAME>_URL` default. */
export const localSubgraphUrl = (name: string) => `http://127.0.0.1:${defaultPort(name)}/graphql`;

/** What every subgraph reads besides its own settings, the same for all of them. */
export interface KitSettings {
  NODE_ENV: "development" | "test" | "production";
  LOG_LEVEL: string;
  LOG_FORMAT?: "json" | "pretty";
  DATA_DIR: string;
  REDIS_URL?: string;
  INTERNAL_AUTH_SECRET?: string;
  PORT: number;
  HOST: string;
  /** The subgraph's own PostgreSQL (`<NAME>_DATABASE_URL`); the embedded PGlite when unset. */
  databaseUrl?: string;
  GRAPHQL_INLINE_TRACE: boolean;
  GRAPHQL_INTROSPECTION: boolean;
  KAFKA_BROKERS?: string[];
  EVENTS_TOPIC_PREFIX?: string;
  EVENTS_DATABASE_URL?: string;
  EVENTS_POLL_MS: number;
  EVENTS_MAX_ATTEMPTS: number;
}

/** The zod fields of the kit's settings for one subgraph (`databaseUrl` is read from `<NAME>_DATABASE_URL`). */
function kitShape(name: string, neighbours: readonly string[]) {
  return {
    ...commonEnv,
    ...eventsEnv,
    PORT: port(defaultPort(name)),
    HOST: z.string().default("127.0.0.1"),
    [databaseUrlSetting(name)]: optionalUrlSetting,
    /** ftv1 inline traces cost time on every request; on only when something reads them. */
    GRAPHQL_INLINE_TRACE: booleanFlag(false),
    /** Subgraphs answer only the router (see @campus/auth), so their introspection is on by default. */
    GRAPHQL_INTROSPECTION: booleanFlag(true),
    ...Object.fromEntries(
      neighbours.map((neighbour) => [
        urlSetting(neighbour),
        z.string().url("must be a URL, e.g. http://catalog:4002/graphql").default(localSubgraphUrl(neighbour)),
      ]),
    ),
  };
}

type PrismaClientLike = TransactionalPrisma<PrismaRawExecutor> & { $disconnect(): Promise<void> };
type TransactionOf<P> = P extends { $transaction(work: (tx: infer TX) => Promise<unknown>): unknown } ? TX : never;

/** What a subgraph's `wire` gets from the kit: its settings and every adapter, already open. */
export interface SubgraphKit<Own, Prisma, TX> {
  name: string;
  config: KitSettings & Own;
  db: Database;
  prisma: Prisma;
  store: SharedStore;
  logger: Logger;
  /** Writes with their events (see UnitOfWork in @campus/events). */
  work: UnitOfWork<TX>;
  /** Runs a consumer group in this subgraph (effectively once, retries, dead letters). */
  consume(group: string, handlers: HandlerEntry<TX>[]): void;
  /** A neighbour's GraphQL URL, read when called (the embedded runtime learns it once the neighbour listens). */
  neighbourUrl(name: string): string;
  /** Shared with the router: calls to a neighbour are signed with it. */
  secret: string;
  /** Where the embedded runtime keeps files (generated keys); unset for a process with no data directory. */
  dataDir?: string;
  /**
   * Where this subgraph keeps uploaded files (the disk file store):
   * `<dataDir>/files/<name>`; without a data directory (tests, in-memory
   * runs) a temporary directory, removed when the subgraph stops.
   */
  filesDir: string;
  /** This subgraph's own base URL (http://host:port), once it listens; throws before. */
  ownUrl(): string;
}

/** What `wire` hands back: the resolvers with their services, and what the runtime may reach. */
export interface Wiring<Services> {
  /** One instance per resolver class of `graphql.resolvers`. */
  resolvers: object[];
  /** `__resolveReference` per entity type. */
  references?: Record<string, (reference: { id: string }, context: SubgraphContext) => unknown>;
  /** The subgraph's services, for the embedded runtime (demo data) and tests. */
  services: Services;
  /** Extra GET routes next to /graphql (e.g. identity's JWKS). */
  routes?: Record<string, Route>;
  /** POST endpoints for third parties, checked by their own signatures (e.g. commerce's payment webhooks). */
  webhooks?: Record<string, WebhookRoute>;
  /** Path prefixes streamed both ways, checked by signed URLs (e.g. `/files/` of @campus/files' disk store). */
  streams?: Record<string, StreamRoute>;
  /** Background work started once the subgraph listens and stopped before it closes (e.g. reconcilers). */
  background?: { start(): void; stop(): Promise<void> }[];
}

export interface SubgraphSpec<Own extends z.ZodRawShape, Prisma extends PrismaClientLike, Services> {
  /** As in the list (supergraph.ts): folder, package, database schema, CloudEvents source. */
  name: string;
  /** This subgraph's own settings (the kit adds PORT, HOST, `<NAME>_DATABASE_URL`, events, …). */
  settings?: Own;
  /** Own settings a production process must have (database, Redis, events and the secret are the kit's). */
  requiredInProduction?: (keyof Own & string)[];
  /** Own settings a deployment passes on when the operator sets them (e.g. a secret only one mode needs). */
  optionalInProduction?: (keyof Own & string)[];
  /** Makes the subgraph's generated PrismaClient over the database's adapter: `(adapter) => new PrismaClient({ adapter })`. */
  prisma: (adapter: Database["adapter"]) => Prisma;
  graphql: SubgraphGraphQL;
  permissions: SubgraphPermissions;
  /** Cache hints of its types and fields (`<name>.cache-hints.ts`); unlisted means not cacheable. */
  cacheHints?: CacheHints;
  /** Subgraphs this one calls directly (their URLs: `<NAME>_URL`). */
  neighbours?: readonly string[];
  /** The composition root: data → services → resolvers, consumers registered through `kit.consume`. */
  wire(kit: SubgraphKit<z.infer<z.ZodObject<Own>>, Prisma, TransactionOf<Prisma>>): Promise<Wiring<Services>>;
}

/** What a running process hands a subgraph: where its data goes and how events travel. */
export interface SubgraphRuntime {
  db: Database;
  store: SharedStore;
  transport: EventTransport;
  logger: Logger;
  secret: string;
  dataDir?: string;
  /** Neighbours' URLs when not from settings (the embedded runtime: known once they listen). */
  neighbourUrls?: () => Record<string, string>;
}

export interface RunningSubgraph<Services> {
  name: string;
  url: string;
  services: Services;
  events: SubgraphEvents<unknown>;
  db: Database;
  stop(): Promise<void>;
}

export interface SubgraphDefinition<Services = unknown> {
  readonly kind: "campus-subgraph";
  readonly name: string;
  /** Every setting this subgraph reads: the kit's and its own (docs/configuration.md lists them). */
  readonly settingsSchema: z.ZodObject<z.ZodRawShape>;
  /** Settings a production process must have. */
  readonly requiredInProduction: string[];
  /** Settings a production process may have; the deployment files pass them on. */
  readonly optionalInProduction: string[];
  readonly neighbours: readonly string[];
  readonly permissions: SubgraphPermissions;
  /** Gathered by the router (docs/http-caching.md). */
  readonly cacheHints: CacheHints;
  readonly migrationsDir: string;
  /** The SDL composition sees (checked in as subgraphs/<name>/schema.graphql). */
  sdl(): string;
  /** Migrates, wires, listens on `port` (default: its PORT setting) and starts its events. */
  start(
    config: KitSettings & Record<string, unknown>,
    runtime: SubgraphRuntime,
    port?: number,
  ): Promise<RunningSubgraph<Services>>;
}

/**
 * Declares a subgraph: the one composition root every subgraph has, in the
 * same shape. The kit does the rest the same way for all of them: settings
 * (common ones plus the subgraph's own), migrations (its own, then the shared
 * event tables), its Prisma client, outbox, relay and consumers, the federated
 * schema with its permissions, the HTTP server and its health routes.
 */
export function defineSubgraph<Own extends z.ZodRawShape, Prisma extends PrismaClientLike, Services>(
  spec: SubgraphSpec<Own, Prisma, Services>,
): SubgraphDefinition<Services> {
  const neighbours = spec.neighbours ?? [];
  const settingsSchema = z.object({ ...kitShape(spec.name, neighbours), ...(spec.settings ?? {}) });
  const migrations = migrationsDir(spec.name);
  return {
    kind: "campus-subgraph",
    name: spec.name,
    settingsSchema: settingsSchema as unknown as z.ZodObject<z.ZodRawShape>,
    requiredInProduction: [databaseUrlSetting(spec.name), "REDIS_URL", ...(spec.requiredInProduction ?? [])],
    optionalInProduction: spec.optionalInProduction ?? [],
    neighbours,
    permissions: spec.permissions,
    cacheHints: spec.cacheHints ?? {},
    migrationsDir: migrations,
    sdl: () => subgraphSdl(spec.graphql),

    async start(rawConfig, runtime, listenOn) {
      const config = {
        ...rawConfig,
        databaseUrl: rawConfig.databaseUrl ?? (rawConfig[databaseUrlSetting(spec.name)] as string | undefined),
      } as KitSettings & z.infer<z.ZodObject<Own>>;
      const { db, logger } = runtime;
      await applyMigrations(db, migrations);
      await applySharedTables(db);
      let migrated = false;
      const prisma = spec.prisma(db.adapter);
      const events = new SubgraphEvents<TransactionOf<Prisma>>({
        subgraph: spec.name,
        db,
        transport: runtime.transport,
        store: runtime.store,
        logger,
        pollMs: config.EVENTS_POLL_MS,
        maxAttempts: config.EVENTS_MAX_ATTEMPTS,
        unitOfWork: (outbox) =>
          UnitOfWork.forPrisma(
            prisma as unknown as TransactionalPrisma<PrismaRawExecutor>,
            outbox,
          ) as unknown as UnitOfWork<TransactionOf<Prisma>>,
      });
      const neighbourUrl = (name: string) => {
        if (!neighbours.includes(name)) throw new Error(`${spec.name} does not declare ${name} as a neighbour`);
        const url = runtime.neighbourUrls?.()[name] ?? (rawConfig[urlSetting(name)] as string | undefined);
        if (!url) throw configError(urlSetting(name), `required: ${spec.name} calls ${name}`);
        return url;
      };
      // known once the server listens (after wire), read by what wire set up
      const listening: { url?: string } = {};
      const scratch = runtime.dataDir ? undefined : mkdtempSync(path.join(os.tmpdir(), `campus-${spec.name}-files-`));
      const filesDir = scratch ?? path.join(runtime.dataDir!, "files", spec.name);
      const wiring = await spec.wire({
        name: spec.name,
        config,
        db,
        prisma,
        store: runtime.store,
        logger,
        work: events.work,
        consume: (group, handlers) => void events.consume(group, handlers),
        neighbourUrl,
        secret: runtime.secret,
        dataDir: runtime.dataDir,
        filesDir,
        ownUrl: () => {
          if (!listening.url) throw new Error(`${spec.name} is not listening yet`);
          return listening.url;
        },
      });
      const instances = new Map<Function, object>(wiring.resolvers.map((resolver) => [resolver.constructor, resolver]));
      const schema = buildFederatedSchema({
        graphql: spec.graphql,
        permissions: spec.permissions,
        container: { get: (cls) => instances.get(cls as Function) },
        references: Object.fromEntries(
          Object.entries(wiring.references ?? {}).map(([type, resolve]) => [type, { __resolveReference: resolve }]),
        ) as GraphQLResolverMap<unknown>,
      });
      const server = await startSubgraphServer({
        name: spec.name,
        schema,
        logger,
        db,
        store: runtime.store,
        port: listenOn ?? config.PORT,
        host: config.HOST,
        internalAuthSecret: runtime.secret,
        inlineTrace: config.GRAPHQL_INLINE_TRACE,
        introspection: config.GRAPHQL_INTROSPECTION,
        routes: wiring.routes,
        webhooks: wiring.webhooks,
        streams: wiring.streams,
        readinessChecks: {
          // Applied migrations stay applied: once this holds, probes stop re-reading the files.
          migrations: async () =>
            (migrated ||= (await migrationsUpToDate(db, migrations)) && (await sharedTablesUpToDate(db))),
        },
        readinessDetail: async () => ({ events: await events.health() }),
      });
      listening.url = server.url;
      await events.start();
      for (const job of wiring.background ?? []) job.start();
      return {
        name: spec.name,
        url: server.url,
        services: wiring.services,
        events: events as SubgraphEvents<unknown>,
        db,
        async stop() {
          for (const job of wiring.background ?? []) await job.stop();
          await server.close();
          await events.stop();
          await prisma.$disconnect();
          if (scratch) rmSync(scratch, { recursive: true, force: true });
        },
      };
    },
  };
}
