import { isAdmin, isInstructor, openTo, rule, type ViewerContext } from "@campus/auth";
import { forbidden } from "@campus/errors";
import type { SubgraphPermissions } from "@campus/subgraph";
import type { CourseRow } from "./data/catalog.prisma";
import { canReadCourseContent } from "./service/course.policy";

/**
 * References from other subgraphs must resolve drafts (so they can see status,
 * price, capacity) but must not leak unpublished content; reads by id and slug
 * already hide drafts (and archived courses from all but their editors and
 * learners). It reads only the parent: no query. "no_cache": it varies per course.
 */
const mayReadDraftContent = rule({ cache: "no_cache" })((course: CourseRow, _args, ctx: ViewerContext) =>
  canReadCourseContent(ctx.viewer, course) ? true : forbidden("This course is not published"),
);

/**
 * Who may call catalog's root fields (the router applies the same rules before
 * any subgraph is called); write ownership needs the row, so CourseService
 * checks that.
 */
export const catalogPermissions: SubgraphPermissions = {
  Query: {
    // public: browsing the catalog (partner keys with CATALOG_READ)
    courses: openTo("CATALOG_READ"),
    course: openTo("CATALOG_READ"),
    courseBySlug: openTo("CATALOG_READ"),
    categories: openTo("CATALOG_READ"),
  },
  Mutation: {
    // instructors (resource ownership is checked by CourseService)
    createCourse: isInstructor,
    updateCourse: isInstructor,
    publishCourse: isInstructor,
    archiveCourse: isInstructor,
    addModule: isInstructor,
    renameModule: isInstructor,
    reorderModules: isInstructor,
    removeModule: isInstructor,
    // admin
    createCategory: isAdmin,
  },
  Course: { description: mayReadDraftContent, modules: mayReadDraftContent },
};
