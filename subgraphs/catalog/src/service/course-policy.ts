import { viewerHasRole, viewerIsAdmin, type Viewer } from "@campus/auth";
import { badInput, conflict, forbidden, unauthenticated } from "@campus/errors";
import type { CourseStatus } from "../data/prisma";

interface OwnedCourse {
  instructorId: string;
  status: CourseStatus;
}

const ALL_STATUSES: CourseStatus[] = ["DRAFT", "PUBLISHED", "ARCHIVED"];

export const canCreateCourse = (viewer: Viewer) =>
  viewer.userId !== null && (viewerHasRole(viewer, "INSTRUCTOR") || viewerIsAdmin(viewer));

/** The one ownership rule: a course and its modules are edited by its instructor or an admin. */
export const canEditCourse = (viewer: Viewer, course: OwnedCourse) =>
  viewer.userId !== null && (course.instructorId === viewer.userId || viewerIsAdmin(viewer));

/** Drafts are private to their editors; archived courses stay readable (enrolled learners still need them). */
export const canViewCourse = (viewer: Viewer, course: OwnedCourse) =>
  course.status !== "DRAFT" || canEditCourse(viewer, course);

export function assertCanCreate(viewer: Viewer) {
  if (!viewer.userId) throw unauthenticated();
  if (!canCreateCourse(viewer)) throw forbidden("Only instructors can create courses");
}

export function assertCanEdit(viewer: Viewer, course: OwnedCourse) {
  if (!viewer.userId) throw unauthenticated();
  if (!canEditCourse(viewer, course)) throw forbidden("Only the course's instructor or an admin can change it");
}

/**
 * Which statuses the listing may show. The public catalog is PUBLISHED only;
 * an instructor listing their own courses (or an admin listing anyone's) sees
 * every status, optionally narrowed. An empty result means "nothing visible".
 */
export function listingStatuses(
  viewer: Viewer,
  filter: { instructorId?: string | null; status?: CourseStatus | null },
): CourseStatus[] {
  const privileged =
    Boolean(filter.instructorId) && canEditCourse(viewer, { instructorId: filter.instructorId!, status: "DRAFT" });
  if (!privileged) return !filter.status || filter.status === "PUBLISHED" ? ["PUBLISHED"] : [];
  return filter.status ? [filter.status] : ALL_STATUSES;
}

/** Returns false when the course is already published (publishing again changes nothing). */
export function assertPublishable(course: OwnedCourse, moduleCount: number): boolean {
  if (course.status === "ARCHIVED") throw conflict("An archived course cannot be published again");
  if (course.status === "PUBLISHED") return false;
  if (moduleCount < 1)
    throw badInput("A course needs at least one module before it is published", { field: "modules" });
  return true;
}

/** A reorder must name every module of the course exactly once, and nothing else. */
export function assertSameModules(currentIds: string[], requestedIds: string[]): string[] {
  const current = new Set(currentIds);
  const requested = new Set(requestedIds);
  const same =
    requested.size === requestedIds.length &&
    requested.size === current.size &&
    requestedIds.every((id) => current.has(id));
  if (!same) throw badInput("moduleIds must list each of the course's modules exactly once", { field: "moduleIds" });
  return requestedIds;
}

/** A published course keeps at least one module; learners would otherwise see an empty course. */
export function assertModuleRemovable(course: OwnedCourse, moduleCount: number) {
  if (course.status === "PUBLISHED" && moduleCount <= 1) {
    throw conflict("The only module of a published course cannot be removed; archive the course instead");
  }
}
