import type { SharedStore } from "@campus/kv";
import type { Logger } from "@campus/logging";
import type { CourseRecord, ModuleRow } from "./catalog.prisma";

export interface CacheStats {
  hits: number;
  misses: number;
}

const keyOf = (courseId: string) => `catalog:course:${courseId}`;

type Serialised<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };
type SerialisedCourse = Serialised<CourseRecord> & { modules?: Serialised<ModuleRow>[] };

/** JSON turns dates into strings; callers compare and format them as Dates. */
function revive(raw: SerialisedCourse): CourseRecord {
  return {
    ...raw,
    publishedAt: raw.publishedAt ? new Date(raw.publishedAt) : null,
    createdAt: new Date(raw.createdAt),
    updatedAt: new Date(raw.updatedAt),
    modules: raw.modules?.map((module) => ({
      ...module,
      createdAt: new Date(module.createdAt),
      updatedAt: new Date(module.updatedAt),
    })),
  };
}

/**
 * Cache-aside for courses by id (with their modules) in the SharedStore.
 * Writers invalidate after committing; the TTL bounds how long a read that
 * raced a write can keep a stale copy. A failing store degrades to the
 * database instead of failing the request.
 */
export class CourseCache {
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly store: SharedStore,
    private readonly ttlMs: number,
    private readonly logger: Logger,
  ) {}

  async getMany(ids: readonly string[]): Promise<Map<string, CourseRecord>> {
    const found = new Map<string, CourseRecord>();
    const values = await Promise.all(
      ids.map((id) => this.store.get(keyOf(id)).catch((error) => this.storeFailed(error))),
    );
    ids.forEach((id, index) => {
      const value = values[index];
      if (value) found.set(id, revive(JSON.parse(value) as SerialisedCourse));
    });
    this.hits += found.size;
    this.misses += ids.length - found.size;
    return found;
  }

  async setMany(courses: CourseRecord[]): Promise<void> {
    await Promise.all(
      courses.map((course) =>
        this.store.set(keyOf(course.id), JSON.stringify(course), this.ttlMs).catch((error) => this.storeFailed(error)),
      ),
    );
  }

  /** A failure here leaves a stale entry for at most the TTL; the committed write must not be reported as failed. */
  async invalidate(courseId: string): Promise<void> {
    await this.store.del(keyOf(courseId)).catch((error) => {
      this.logger.error({ err: error, courseId }, "course cache invalidation failed");
    });
  }

  stats(): CacheStats {
    return { hits: this.hits, misses: this.misses };
  }

  private storeFailed(error: unknown): null {
    this.logger.warn({ err: error }, "course cache unavailable; reading from the database");
    return null;
  }
}
