import { positiveInt } from "@campus/config";
import { defineSubgraph, type SubgraphContext } from "@campus/subgraph";
import { CatalogClient } from "@campus/catalog-client";
import { CourseFacts } from "./data/course.facts";
import { CourseProjectionRepository } from "./data/course-projection.repository";
import { PrismaClient } from "./data/enrollment.prisma";
import { EnrollmentRepository } from "./data/enrollment.repository";
import { enrollmentCacheHints } from "./enrollment.cache-hints";
import { enrollmentPermissions } from "./enrollment.permissions";
import { CONTENT_PROGRESS_GROUP, contentProgressHandlers } from "./events/content-progress.consumer";
import { COURSE_PROJECTION_GROUP, courseProjectionHandlers } from "./events/course-projection.consumer";
import { ORDER_FULFILMENT_GROUP, orderFulfilmentHandlers } from "./events/order-fulfilment.consumer";
import { SUBSCRIPTION_ACCESS_GROUP, subscriptionAccessHandlers } from "./events/subscription-access.consumer";
import { CourseEnrollmentResolver, EnrollmentResolver, UserEnrollmentResolver } from "./graphql/enrollment.resolver";
import { EnrollmentService } from "./service/enrollment.service";

/** Enrollments, progress, completion and seat limits; asks catalog (its neighbour) for course facts. */
export const subgraph = defineSubgraph({
  name: "enrollment",
  settings: {
    /** An enroll waits at most this long for catalog before falling back (or failing). */
    CATALOG_TIMEOUT_MS: positiveInt(3000),
  },
  neighbours: ["catalog"],
  prisma: (adapter) => new PrismaClient({ adapter }),
  graphql: {
    resolvers: [EnrollmentResolver, CourseEnrollmentResolver, UserEnrollmentResolver],
    federation: ["@key", "@shareable"],
  },
  permissions: enrollmentPermissions,
  cacheHints: enrollmentCacheHints,

  async wire({ config, prisma, logger, work, consume, neighbourUrl, secret }) {
    const catalog = new CatalogClient({
      url: () => neighbourUrl("catalog"),
      secret,
      timeoutMs: config.CATALOG_TIMEOUT_MS,
      logger,
    });
    const projection = new CourseProjectionRepository(prisma);
    const enrollments = new EnrollmentService(
      new EnrollmentRepository(prisma),
      work,
      new CourseFacts(projection, catalog, logger),
      logger,
    );
    consume(COURSE_PROJECTION_GROUP, courseProjectionHandlers(projection, enrollments));
    consume(ORDER_FULFILMENT_GROUP, orderFulfilmentHandlers(enrollments));
    consume(CONTENT_PROGRESS_GROUP, contentProgressHandlers(enrollments));
    consume(SUBSCRIPTION_ACCESS_GROUP, subscriptionAccessHandlers(enrollments));
    return {
      resolvers: [
        new EnrollmentResolver(enrollments),
        new CourseEnrollmentResolver(enrollments),
        new UserEnrollmentResolver(enrollments),
      ],
      references: {
        Enrollment: (ref: { id: string }, ctx: SubgraphContext) => enrollments.get(ctx.viewer, ctx.loaders, ref.id),
        // Course and User are owned elsewhere; enrollment only needs their id.
        Course: (ref: { id: string }) => ({ id: ref.id }),
        User: (ref: { id: string }) => ({ id: ref.id }),
      },
      services: { enrollments },
    };
  },
});

export type EnrollmentServices = { enrollments: EnrollmentService };
