import type { Logger } from "@campus/logging";
import type { LoaderRegistry } from "@campus/subgraph";
import { isUuid } from "@campus/subgraph";
import { CatalogUnavailableError, type CatalogClient, type CatalogCourse } from "./catalog-client";
import type { CourseProjectionRepository } from "./course-projection";

/**
 * Where enrollment's rules get course facts (status, price, capacity,
 * modules). Catalog owns them; enrollment keeps a projection fed by catalog's
 * events, which arrive a moment after catalog commits.
 *
 * Progress reads the projection, and confirms with catalog only an answer
 * that would refuse (a module the projection does not know yet). Enrolling
 * grants access, so it decides on catalog's live answer (`confirm`) and
 * falls back to the projection only while catalog cannot be reached. A
 * course the projection has not seen is fetched once and remembered.
 */
export class CourseFacts {
  /** Misses in flight: a burst of enrolls in a course the projection lacks asks catalog once. */
  private readonly fetching = new Map<string, Promise<CatalogCourse | null>>();

  constructor(
    private readonly projection: CourseProjectionRepository,
    private readonly catalog: CatalogClient,
    private readonly logger: Logger,
  ) {}

  async course(id: string, loaders: LoaderRegistry): Promise<CatalogCourse | null> {
    if (!isUuid(id)) return null;
    const known = await this.projection.byId(id, loaders);
    if (known) return known;
    let fetch = this.fetching.get(id);
    if (!fetch) {
      fetch = this.fetchAndRemember(id).finally(() => this.fetching.delete(id));
      this.fetching.set(id, fetch);
    }
    return fetch;
  }

  private async fetchAndRemember(id: string): Promise<CatalogCourse | null> {
    const fetched = await this.catalog.course(id);
    if (fetched) await this.projection.remember(fetched);
    return fetched;
  }

  /** Catalog's own answer; the projection's when catalog cannot be reached. */
  async confirm(id: string, projected: CatalogCourse | null): Promise<CatalogCourse | null> {
    try {
      return await this.catalog.course(id);
    } catch (error) {
      if (!(error instanceof CatalogUnavailableError)) throw error;
      this.logger.warn({ courseId: id }, "catalog unreachable; answering from the course projection");
      return projected;
    }
  }
}
