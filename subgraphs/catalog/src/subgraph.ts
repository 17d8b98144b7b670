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
import type { CatalogConfig } from "./config";
import { CatalogLoaders } from "./data/catalog-loaders";
import { SubgraphEvents, type EventTransport } from "@campus/events";
import { CatalogWrites } from "./data/catalog-writes";
import { CategoryRepository } from "./data/category-repository";
import { CourseCache } from "./data/course-cache";
import { CourseLearnerRepository } from "./data/course-learners";
import { CourseRepository } from "./data/course-repository";
import { ModuleRepository } from "./data/module-repository";
import { createCatalogPrisma } from "./data/prisma";
import { courseLearnersConsumer } from "./events/course-learners";
import { catalogPermissions } from "./schema/permissions";
import { CourseFieldsResolver, CourseMutationResolver, CourseQueryResolver } from "./schema/resolvers";
import { CategoryService } from "./service/category-service";
import { CourseService } from "./service/course-service";

export const CATALOG_MIGRATIONS = migrationsDir("catalog");

/** The schema's shape; `container` supplies resolver instances when serving. */
export function catalogSchema(
  container?: FederatedSchemaDefinition["container"],
  courses?: CourseService,
): FederatedSchemaDefinition {
  return {
    resolvers: [CourseQueryResolver, CourseFieldsResolver, CourseMutationResolver],
    federationImports: ["@key", "@shareable"],
    container,
    permissions: catalogPermissions,
    referenceResolvers: {
      Course: {
        __resolveReference: (ref: { id: string }, ctx: SubgraphContext) => courses?.reference(ctx.loaders, ref.id),
      },
    },
  };
}

export interface CatalogRuntime {
  db: Database;
  store: SharedStore;
  /** Where the outbox relay publishes catalog's events and catalog consumes enrollment's. */
  events: EventTransport;
  logger?: Logger;
}

/** Composition root: wires the catalog subgraph's parts from config and adapters. */
export async function createCatalogSubgraph(
  config: CatalogConfig & { INTERNAL_AUTH_SECRET: string },
  runtime: CatalogRuntime,
) {
  const logger = runtime.logger ?? createLogger("catalog", config.LOG_LEVEL);
  await applyMigrations(runtime.db, CATALOG_MIGRATIONS);
  const prisma = createCatalogPrisma(runtime.db);
  const courseRows = new CourseRepository(prisma);
  const moduleRows = new ModuleRepository(prisma);
  const categoryRows = new CategoryRepository(prisma);
  const cache = new CourseCache(runtime.store, config.COURSE_CACHE_TTL_SECONDS * 1000, logger);
  const loaders = new CatalogLoaders(courseRows, moduleRows, categoryRows, cache);
  const categories = new CategoryService(categoryRows);
  const events = new SubgraphEvents({
    subgraph: "catalog",
    db: runtime.db,
    transport: runtime.events,
    store: runtime.store,
    logger,
    pollMs: config.EVENTS_POLL_MS,
  });
  // Who is enrolled where, from enrollment's events: decides who may still read an archived course.
  const learners = new CourseLearnerRepository(prisma);
  events.consume(
    courseLearnersConsumer({ prisma, db: runtime.db, learners, logger, maxAttempts: config.EVENTS_MAX_ATTEMPTS }),
  );
  const writes = new CatalogWrites(prisma, events.outbox);
  const courses = new CourseService(
    courseRows,
    moduleRows,
    writes,
    categoryRows,
    categories,
    loaders,
    cache,
    learners,
    logger,
  );

  const resolvers = new Map<Function, unknown>([
    [CourseQueryResolver, new CourseQueryResolver(courses)],
    [CourseFieldsResolver, new CourseFieldsResolver(courses)],
    [CourseMutationResolver, new CourseMutationResolver(courses)],
  ]);
  const schema = buildFederatedSchema(catalogSchema({ get: (cls) => resolvers.get(cls) }, courses));

  return {
    courses,
    categories,
    cache,
    events,
    loaders: () => new LoaderRegistry(),
    async start(port = config.PORT) {
      const server = await startSubgraphServer({
        name: "catalog",
        schema,
        logger,
        db: runtime.db,
        store: runtime.store,
        migrationsDir: CATALOG_MIGRATIONS,
        port,
        host: config.HOST,
        internalAuthSecret: config.INTERNAL_AUTH_SECRET,
        inlineTrace: config.GRAPHQL_INLINE_TRACE,
        introspection: config.GRAPHQL_INTROSPECTION,
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

export type CatalogSubgraph = Awaited<ReturnType<typeof createCatalogSubgraph>>;
