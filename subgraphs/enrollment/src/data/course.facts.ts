import { serviceUnavailable } from "@campus/errors";
import type { Logger } from "@campus/logging";
import { isUuid, type LoaderRegistry } from "@campus/subgraph";
import { CatalogUnavailableError, type CatalogClient, type CatalogCourse } from "@campus/catalog-client";
import type { CourseProjectionRepository } from "./course-projection.repository";

/**
 * Where enrollment's rules get course facts (status, price, capacity,
 * modules). Catalog owns them; enrollment also keeps a projection fed by
 * catalog's events, which arrives a moment after catalog commits and so can
 * be behind the request being served.
 *
 * - Progress and completion are decided on catalog's live answer only
 *   (`current`): a learner who completed module 1 of a course whose second
 *   module the projection has not seen yet would otherwise be COMPLETED at
 *   half the course. With catalog unreachable, recording progress fails with
 *   SERVICE_UNAVAILABLE and changes nothing.
 * - Enrolling asks catalog once (`forEnrollment`) and falls back to the
 *   projection only while catalog cannot be reached, so a catalog outage does
 *   not stop free enrollments in courses the projection knows.
 */
export class CourseFacts {
  /**
   * Enrollment lookups of one course already on their way to catalog: a burst
   * of enrolls in one course (a launch, a seat race) shares them instead of
   * sending one request each. An answer is never kept after it arrived.
   */
  private readonly enrollmentLookups = new Map<string, Promise<CatalogCourse | null>>();

  constructor(
    private readonly projection: CourseProjectionRepository,
    private readonly catalog: CatalogClient,
    private readonly logger: Logger,
  ) {}

  /** Catalog's answer now; SERVICE_UNAVAILABLE when it cannot give one. */
  async current(loaders: LoaderRegistry, id: string): Promise<CatalogCourse | null> {
    if (!isUuid(id)) return null;
    try {
      return await this.catalog.course(loaders, id);
    } catch (error) {
      if (error instanceof CatalogUnavailableError) {
        throw serviceUnavailable("Course facts cannot be confirmed right now; nothing was changed, try again shortly");
      }
      throw error;
    }
  }

  /** Catalog's answer; the projection's while catalog cannot be reached. */
  async forEnrollment(loaders: LoaderRegistry, id: string): Promise<CatalogCourse | null> {
    if (!isUuid(id)) return null;
    try {
      let lookup = this.enrollmentLookups.get(id);
      if (!lookup) {
        lookup = this.catalog
          .courses([id])
          .then(([course]) => course ?? null)
          .finally(() => this.enrollmentLookups.delete(id));
        this.enrollmentLookups.set(id, lookup);
      }
      return await lookup;
    } catch (error) {
      if (!(error instanceof CatalogUnavailableError)) throw error;
      const projected = await this.projection.byId(loaders, id);
      if (!projected) {
        throw serviceUnavailable("The course cannot be confirmed right now; nothing was changed, try again shortly");
      }
      this.logger.warn({ courseId: id }, "catalog unreachable; answering from the course projection");
      return projected;
    }
  }
}
