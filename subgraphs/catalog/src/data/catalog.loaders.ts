import { byKey, groupByKey, isUuid, type LoaderRegistry } from "@campus/subgraph";
import type { CategoryRepository } from "./category.repository";
import type { CourseCache } from "./course.cache";
import type { CourseRepository } from "./course.repository";
import type { ModuleRepository } from "./module.repository";
import type { CategoryRow, CourseRecord, ModuleRow } from "./catalog.prisma";

/**
 * Per-request batched reads: however many courses a response holds, each
 * relation costs one query. Ids that are not UUIDs resolve to null without a
 * query (the column is uuid-typed, so Postgres would reject them).
 */
export class CatalogLoaders {
  constructor(
    private readonly courses: CourseRepository,
    private readonly modules: ModuleRepository,
    private readonly categories: CategoryRepository,
    private readonly cache: CourseCache,
  ) {}

  /** Any status; the cache is read first and all misses load in one query. */
  course(loaders: LoaderRegistry, id: string): Promise<CourseRecord | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return loaders
      .get<string, CourseRecord | null>("course:byId", async (ids) => {
        const cached = await this.cache.getMany(ids);
        const missing = ids.filter((key) => !cached.has(key));
        const loaded = missing.length > 0 ? await this.courses.findManyWithModules(missing) : [];
        await this.cache.setMany(loaded);
        for (const course of loaded) cached.set(course.id, course);
        return ids.map((key) => cached.get(key) ?? null);
      })
      .load(id);
  }

  modulesOf(loaders: LoaderRegistry, courseId: string): Promise<ModuleRow[]> {
    return loaders
      .get<string, ModuleRow[]>("module:byCourseId", async (ids) =>
        groupByKey(ids, await this.modules.byCourseIds([...ids]), (row) => row.courseId),
      )
      .load(courseId);
  }

  /** Modules by id, for other subgraphs' references (content extends Module). */
  module(loaders: LoaderRegistry, id: string): Promise<ModuleRow | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return loaders
      .get<string, ModuleRow | null>("module:byId", async (ids) =>
        byKey(ids, await this.modules.byIds([...ids]), (row) => row.id),
      )
      .load(id);
  }

  category(loaders: LoaderRegistry, id: string): Promise<CategoryRow | null> {
    return loaders
      .get<string, CategoryRow | null>("category:byId", async (ids) =>
        byKey(ids, await this.categories.byIds([...ids]), (row) => row.id),
      )
      .load(id);
  }
}
