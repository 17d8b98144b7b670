import type { SharedStore } from "@campus/kv";
import type { Logger } from "@campus/logging";
import type { CourseRecord, ModuleRow } from "./catalog.prisma";

export interface CacheStats {
  hits: number;
  misses: number;
}

const keyOf = (courseId: string) => `catalog:course:${courseId}`;

/**
 * What an invalidation leaves instead of the copy: the revision the write
 * committed. A read that began before the commit holds an older revision and
 * may not store it over the tombstone; a read of that revision or a later one
 * may. Without it, such a read could put back the copy the write replaced,
 * for the whole TTL (a course published, and still a DRAFT to enrollment).
 */
const tombstone = (revision: number) => `tombstone:${revision}`;
const tombstoneRevision = (value: string) => (value.startsWith("tombstone:") ? Number(value.slice(10)) : undefined);

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
 * Writers invalidate after committing, leaving a tombstone that keeps a read
 * which raced the write from storing its older copy. A failing store
 * degrades to the database instead of failing the request.
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
      if (!value) return;
      if (tombstoneRevision(value) === undefined) found.set(id, revive(JSON.parse(value) as SerialisedCourse));
    });
    this.hits += found.size;
    this.misses += ids.length - found.size;
    return found;
  }

  /** Stores what reads fetched from the database: where nothing is, or over a tombstone of no later revision. */
  async setMany(courses: CourseRecord[]): Promise<void> {
    await Promise.all(
      courses.map(async (course) => {
        const key = keyOf(course.id);
        const value = JSON.stringify(course);
        try {
          if (await this.store.setIfAbsent(key, value, this.ttlMs)) return;
          const current = await this.store.get(key);
          const revision = current === null ? undefined : tombstoneRevision(current);
          if (revision !== undefined && course.revision >= revision) {
            await this.store.compareAndSet(key, current!, value, this.ttlMs);
          }
        } catch (error) {
          this.storeFailed(error);
        }
      }),
    );
  }

  /**
   * After a committed write: a tombstone naming its revision (unknown: the
   * copy simply goes). A failure leaves a stale entry for at most the TTL; the
   * committed write must not be reported as failed.
   */
  async invalidate(courseId: string, revision?: number): Promise<void> {
    const key = keyOf(courseId);
    const done = revision === undefined ? this.store.del(key) : this.store.set(key, tombstone(revision), this.ttlMs);
    await done.catch((error) => {
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
