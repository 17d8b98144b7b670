import { positiveInt } from "@campus/config";
import { defineSubgraph, type SubgraphContext } from "@campus/subgraph";
import { catalogCacheHints } from "./catalog.cache-hints";
import { catalogPermissions } from "./catalog.permissions";
import { CatalogLoaders } from "./data/catalog.loaders";
import { PrismaClient } from "./data/catalog.prisma";
import { CategoryRepository } from "./data/category.repository";
import { CourseCache } from "./data/course.cache";
import { CourseLearnerRepository } from "./data/course-learner.repository";
import { CourseRepository } from "./data/course.repository";
import { ModuleRepository } from "./data/module.repository";
import { COURSE_LEARNERS_GROUP, courseLearnersHandlers } from "./events/course-learners.consumer";
import {
  CourseFieldsResolver,
  CourseMutationResolver,
  CourseQueryResolver,
  ModuleFieldsResolver,
} from "./graphql/course.resolver";
import { CategoryService } from "./service/category.service";
import { CourseService } from "./service/course.service";

/** Courses, modules, categories, pricing, publish state, instructor authoring and the course cache. */
export const subgraph = defineSubgraph({
  name: "catalog",
  settings: {
    /** How long a course read by id may be served from the shared cache; every write invalidates it sooner. */
    COURSE_CACHE_TTL_SECONDS: positiveInt(300),
  },
  prisma: (adapter) => new PrismaClient({ adapter }),
  graphql: {
    resolvers: [CourseQueryResolver, CourseFieldsResolver, ModuleFieldsResolver, CourseMutationResolver],
    federation: ["@key", "@shareable"],
  },
  permissions: catalogPermissions,
  cacheHints: catalogCacheHints,

  async wire({ config, prisma, store, logger, work, consume }) {
    const courseRows = new CourseRepository(prisma);
    const moduleRows = new ModuleRepository(prisma);
    const categoryRows = new CategoryRepository(prisma);
    const cache = new CourseCache(store, config.COURSE_CACHE_TTL_SECONDS * 1000, logger);
    const loaders = new CatalogLoaders(courseRows, moduleRows, categoryRows, cache);
    const categories = new CategoryService(categoryRows);
    // Who is enrolled where, from enrollment's events: decides who may still read an archived course.
    const learners = new CourseLearnerRepository(prisma);
    consume(COURSE_LEARNERS_GROUP, courseLearnersHandlers(learners));
    const courses = new CourseService(
      courseRows,
      moduleRows,
      work,
      categoryRows,
      categories,
      loaders,
      cache,
      learners,
      logger,
    );
    return {
      resolvers: [
        new CourseQueryResolver(courses),
        new CourseFieldsResolver(courses),
        new ModuleFieldsResolver(courses),
        new CourseMutationResolver(courses),
      ],
      references: {
        Course: (ref: { id: string }, ctx: SubgraphContext) => courses.reference(ctx.loaders, ref.id),
        Module: (ref: { id: string }, ctx: SubgraphContext) => courses.moduleReference(ctx.loaders, ref.id),
      },
      services: { courses, categories, cache },
    };
  },
});

export type CatalogServices = { courses: CourseService; categories: CategoryService; cache: CourseCache };
