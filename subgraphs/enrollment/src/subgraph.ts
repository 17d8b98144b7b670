import { applyMigrations, migrationsDir, type Database } from "@campus/database";
import type { SharedStore } from "@campus/kv";
import { createLogger, type Logger } from "@campus/logging";
import {
  buildFederatedSchema,
  startSubgraphServer,
  type FederatedSchemaDefinition,
  type SubgraphContext,
} from "@campus/subgraph";
import type { EnrollmentConfig } from "./config";
import { SubgraphEvents, type EventTransport } from "@campus/events";
import { CatalogClient, type FetchLike } from "./data/catalog-client";
import { CourseFacts } from "./data/course-facts";
import { CourseProjectionRepository } from "./data/course-projection";
import { EnrollmentRepository } from "./data/enrollment-repository";
import { createEnrollmentPrisma } from "./data/prisma";
import { courseProjectionConsumer } from "./events/course-projection";
import { enrollmentPermissions } from "./schema/permissions";
import { CourseEnrollmentResolver, EnrollmentResolver, UserEnrollmentResolver } from "./schema/resolvers";
import { EnrollmentService } from "./service/enrollment-service";

export const ENROLLMENT_MIGRATIONS = migrationsDir("enrollment");

/** The schema's shape; `container` supplies resolver instances when serving. */
export function enrollmentSchema(
  container?: FederatedSchemaDefinition["container"],
  enrollments?: EnrollmentService,
): FederatedSchemaDefinition {
  return {
    resolvers: [EnrollmentResolver, CourseEnrollmentResolver, UserEnrollmentResolver],
    federationImports: ["@key", "@shareable"],
    container,
    permissions: enrollmentPermissions,
    referenceResolvers: {
      Enrollment: {
        __resolveReference: (ref: { id: string }, ctx: SubgraphContext) =>
          enrollments?.get(ctx.viewer, ref.id, ctx.loaders),
      },
      // Course and User are owned elsewhere; enrollment only needs their id.
      Course: { __resolveReference: (ref: { id: string }) => ({ id: ref.id }) },
      User: { __resolveReference: (ref: { id: string }) => ({ id: ref.id }) },
    },
  };
}

export interface EnrollmentRuntime {
  db: Database;
  /** Holds the outbox relay's lease. */
  store: SharedStore;
  /** Where enrollment publishes its events and consumes catalog's. */
  events: EventTransport;
  logger?: Logger;
  /** Overrides config.CATALOG_URL: the embedded runtime knows catalog's port only once it started. */
  catalogUrl?: string;
  /** Tests hand in a fake catalog. */
  fetch?: FetchLike;
}

/** Composition root: wires the enrollment subgraph's parts from config and adapters. */
export async function createEnrollmentSubgraph(
  config: EnrollmentConfig & { INTERNAL_AUTH_SECRET: string },
  runtime: EnrollmentRuntime,
) {
  const logger = runtime.logger ?? createLogger("enrollment", config.LOG_LEVEL);
  await applyMigrations(runtime.db, ENROLLMENT_MIGRATIONS);
  const prisma = createEnrollmentPrisma(runtime.db);
  const catalog = new CatalogClient({
    url: runtime.catalogUrl ?? config.CATALOG_URL,
    secret: config.INTERNAL_AUTH_SECRET,
    timeoutMs: config.CATALOG_TIMEOUT_MS,
    fetch: runtime.fetch,
    logger,
  });
  const events = new SubgraphEvents({
    subgraph: "enrollment",
    db: runtime.db,
    transport: runtime.events,
    store: runtime.store,
    logger,
    pollMs: config.EVENTS_POLL_MS,
  });
  const projection = new CourseProjectionRepository(prisma);
  events.consume(
    courseProjectionConsumer({
      prisma,
      db: runtime.db,
      projection,
      outbox: events.outbox,
      logger,
      maxAttempts: config.EVENTS_MAX_ATTEMPTS,
    }),
  );
  const enrollments = new EnrollmentService(
    new EnrollmentRepository(prisma, events.outbox),
    new CourseFacts(projection, catalog, logger),
    logger,
  );

  const resolvers = new Map<Function, unknown>([
    [EnrollmentResolver, new EnrollmentResolver(enrollments)],
    [CourseEnrollmentResolver, new CourseEnrollmentResolver(enrollments)],
    [UserEnrollmentResolver, new UserEnrollmentResolver(enrollments)],
  ]);
  const schema = buildFederatedSchema(enrollmentSchema({ get: (cls) => resolvers.get(cls) }, enrollments));

  return {
    enrollments,
    events,
    setCatalogUrl: (url: string) => catalog.setUrl(url),
    async start(port = config.PORT) {
      const server = await startSubgraphServer({
        name: "enrollment",
        schema,
        logger,
        db: runtime.db,
        store: runtime.store,
        migrationsDir: ENROLLMENT_MIGRATIONS,
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
