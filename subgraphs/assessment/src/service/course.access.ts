import type { Viewer } from "@campus/auth";
import { viewerHasRole, viewerIsAdmin } from "@campus/auth";
import type { CatalogClient } from "@campus/catalog-client";
import type { LoaderRegistry } from "@campus/subgraph";
import type { CourseLearnerRepository } from "../data/course-learner.repository";

/** How much of a course's assessment a viewer sees. */
export type CourseView = "manage" | "take" | "none";

/**
 * Who is who in a course, for assessment. Managing (authoring, grading, every
 * submission, the gradebook) is for admins and the course's instructor, as
 * catalog says live; taking part (published assignments, one's own
 * submissions) is for learners ACTIVE or COMPLETED in it, as enrollment's
 * events said. Catalog is asked only for viewers with the INSTRUCTOR role:
 * only they can own a course, so a learner's reads never leave the subgraph.
 */
export class CourseAccess {
  constructor(
    private readonly catalog: CatalogClient,
    private readonly learners: CourseLearnerRepository,
  ) {}

  async manages(viewer: Viewer, loaders: LoaderRegistry, courseId: string): Promise<boolean> {
    if (!viewer.userId) return false;
    if (viewerIsAdmin(viewer)) return true;
    if (!viewerHasRole(viewer, "INSTRUCTOR")) return false;
    const course = await this.catalog.course(loaders, courseId);
    return course !== null && course.instructorId === viewer.userId;
  }

  takesPart(viewer: Viewer, loaders: LoaderRegistry, courseId: string): Promise<boolean> {
    if (!viewer.userId) return Promise.resolve(false);
    return this.learners.takesPart(loaders, viewer.userId, courseId);
  }

  async view(viewer: Viewer, loaders: LoaderRegistry, courseId: string): Promise<CourseView> {
    if (await this.manages(viewer, loaders, courseId)) return "manage";
    return (await this.takesPart(viewer, loaders, courseId)) ? "take" : "none";
  }
}
