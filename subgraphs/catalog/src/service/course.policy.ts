import { viewerHasRole, viewerIsAdmin, type Viewer } from "@campus/auth";
import { badInput, conflict, forbidden, unauthenticated } from "@campus/errors";
import type { CourseStatus } from "../data/catalog.prisma";

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

/**
 * Who may read a course through the root fields `course(id)` and
 * `courseBySlug`: a published course anyone; a draft only its editors; an
 * archived course its editors and its learners, those holding an ACTIVE or
 * COMPLETED enrollment (a cancelled one no longer counts). Everyone else gets
 * null, as for a draft: no error, so nothing tells that the course exists.
 *
 * `viewerIsLearner` is a fact catalog learns from enrollment's events (the
 * CourseLearner table); the caller looks it up only when
 * `needsLearnerFact` says the answer depends on it.
 */
export function canViewCourse(viewer: Viewer, course: OwnedCourse, viewerIsLearner: boolean): boolean {
  if (course.status === "PUBLISHED" || canEditCourse(viewer, course)) return true;
  return course.status === "ARCHIVED" && viewer.userId !== null && viewerIsLearner;
}

/** Only a signed-in viewer who cannot edit an archived course needs to be a learner of it to read it. */
export const needsLearnerFact = (viewer: Viewer, course: OwnedCourse) =>
  course.status === "ARCHIVED" && viewer.userId !== null && !canEditCourse(viewer, course);

/**
 * The content fields (description, modules) on every path, including
 * references from other subgraphs (`_entities`), which resolve courses of any
 * status: drafts are private to their editors, archived content stays
 * readable. Which archived courses a viewer reaches at all is decided by the
 * path: the root fields by `canViewCourse`, references by the subgraph that
 * holds them (enrollment shows a learner their own enrollments' courses).
 */
export const canReadCourseContent = (viewer: Viewer, course: OwnedCourse) =>
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
