import { rule, type ViewerContext } from "@campus/auth";
import { forbidden } from "@campus/errors";
import type { IRules } from "graphql-shield";
import type { CourseRow } from "../data/prisma";
import { canReadCourseContent } from "../service/course-policy";

/**
 * Root fields are held to the shared RBAC, and write ownership needs the row,
 * so CourseService checks it. Reads by id and slug already hide drafts (and
 * archived courses from all but their editors and learners); this covers
 * the other path, references from other subgraphs, which must resolve drafts
 * (so they can see status, price, capacity) but must not leak the unpublished
 * content. It reads only the parent: no query. "no_cache": it varies per course.
 */
const mayReadDraftContent = rule({ cache: "no_cache" })((course: CourseRow, _args, ctx: ViewerContext) =>
  canReadCourseContent(ctx.viewer, course) ? true : forbidden("This course is not published"),
);

export const catalogPermissions: IRules = {
  Course: { description: mayReadDraftContent, modules: mayReadDraftContent },
};
