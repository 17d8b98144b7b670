import type { Viewer } from "@campus/auth";
import { badInput, conflict, notFound } from "@campus/errors";
import type { Logger } from "@campus/logging";
import { decodeCursor, isUuid, pageSize, toConnection, type LoaderRegistry } from "@campus/subgraph";
import type { CatalogLoaders } from "../data/catalog-loaders";
import type { CategoryRepository } from "../data/category-repository";
import type { CourseCache } from "../data/course-cache";
import type { CourseRepository } from "../data/course-repository";
import type { ModuleRepository } from "../data/module-repository";
import {
  isUniqueViolation,
  type CourseLevel,
  type CourseRecord,
  type CourseRow,
  type CourseStatus,
  type ModuleRow,
} from "../data/prisma";
import type { CategoryService } from "./category-service";
import {
  moduleSummary,
  moduleTitle,
  validateCreate,
  validateUpdate,
  type AddModuleInput,
  type CreateCourseInput,
  type UpdateCourseInput,
} from "./course-input";
import {
  assertCanCreate,
  assertCanEdit,
  assertModuleRemovable,
  assertPublishable,
  assertSameModules,
  canViewCourse,
  listingStatuses,
} from "./course-policy";
import { nextFreeSlug, slugify } from "./slug";

export interface CourseFilter {
  categoryId?: string | null;
  level?: CourseLevel | null;
  free?: boolean | null;
  maxPrice?: number | null;
  instructorId?: string | null;
  status?: CourseStatus | null;
}

const EMPTY_PAGE = { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };

/** Two writers deriving the same slug at once: the loser re-derives, a few times at most. */
const SLUG_ATTEMPTS = 3;

export class CourseService {
  constructor(
    private readonly courses: CourseRepository,
    private readonly modules: ModuleRepository,
    private readonly categoryRows: CategoryRepository,
    private readonly categories: CategoryService,
    private readonly loaders: CatalogLoaders,
    private readonly cache: CourseCache,
    private readonly logger: Logger,
  ) {}

  // ---- reads -------------------------------------------------------------

  async course(viewer: Viewer, loaders: LoaderRegistry, id: string): Promise<CourseRecord | null> {
    const course = await this.loaders.course(loaders, id);
    return course && canViewCourse(viewer, course) ? course : null;
  }

  async courseBySlug(viewer: Viewer, slug: string): Promise<CourseRow | null> {
    const course = await this.courses.findBySlug(slug);
    return course && canViewCourse(viewer, course) ? course : null;
  }

  /** For other subgraphs' references: every status, since they hold ids of drafts and archived courses too. */
  reference(loaders: LoaderRegistry, id: string): Promise<CourseRecord | null> {
    return this.loaders.course(loaders, id);
  }

  async listCourses(
    viewer: Viewer,
    first: number | null | undefined,
    after: string | null | undefined,
    filter: CourseFilter,
  ) {
    const size = pageSize(first);
    const cursor = decodeCursor(after);
    const statuses = listingStatuses(viewer, filter);
    const badId = [filter.categoryId, filter.instructorId].some((id) => id && !isUuid(id));
    if (statuses.length === 0 || badId) return EMPTY_PAGE;
    const [rows, totalCount] = await this.courses.page({ ...filter, statuses }, size, cursor);
    return { ...toConnection(rows, size, (row) => ({ at: row.createdAt, id: row.id })), totalCount };
  }

  /** Cached courses carry their modules; listing rows load them in one batch. */
  modulesOf(loaders: LoaderRegistry, course: CourseRecord): Promise<ModuleRow[]> {
    return course.modules ? Promise.resolve(course.modules) : this.loaders.modulesOf(loaders, course.id);
  }

  categoryOf(loaders: LoaderRegistry, course: CourseRow) {
    return course.categoryId ? this.loaders.category(loaders, course.categoryId) : Promise.resolve(null);
  }

  listCategories() {
    return this.categories.listCategories();
  }

  // ---- writes ------------------------------------------------------------

  async createCourse(viewer: Viewer, input: CreateCourseInput): Promise<CourseRow> {
    assertCanCreate(viewer);
    const data = validateCreate(input);
    await this.assertCategory(data.categoryId);
    const base = slugify(data.title);
    for (let attempt = 1; ; attempt += 1) {
      const slug = nextFreeSlug(base, await this.courses.slugsLike(base));
      try {
        const course = await this.courses.create({ ...data, slug, instructorId: viewer.userId! });
        this.logger.info({ courseId: course.id, slug }, "course created");
        return course;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        if (attempt >= SLUG_ATTEMPTS) throw conflict("Could not find a free slug for this title; try again");
      }
    }
  }

  async updateCourse(viewer: Viewer, id: string, input: UpdateCourseInput): Promise<CourseRow> {
    await this.editable(viewer, id);
    const data = validateUpdate(input);
    if (data.categoryId) await this.assertCategory(data.categoryId);
    return this.changed(id, await this.courses.update(id, data));
  }

  async publishCourse(viewer: Viewer, id: string): Promise<CourseRow> {
    const course = await this.editable(viewer, id);
    if (!assertPublishable(course, await this.modules.count(id))) return course;
    if (await this.courses.publishIfReady(id, new Date())) return this.changed(id, await this.mustFind(id));
    // Lost a race (module removed, course archived or published meanwhile): explain from fresh state.
    const fresh = await this.mustFind(id);
    assertPublishable(fresh, await this.modules.count(id));
    return fresh;
  }

  async archiveCourse(viewer: Viewer, id: string): Promise<CourseRow> {
    const course = await this.editable(viewer, id);
    if (course.status === "ARCHIVED") return course;
    return this.changed(id, await this.courses.update(id, { status: "ARCHIVED" }));
  }

  async addModule(viewer: Viewer, courseId: string, input: AddModuleInput): Promise<ModuleRow> {
    await this.editable(viewer, courseId);
    const data = {
      title: moduleTitle(input.title),
      summary: input.summary === undefined || input.summary === null ? null : moduleSummary(input.summary),
    };
    return this.changed(courseId, await this.modules.append(courseId, data));
  }

  async renameModule(viewer: Viewer, moduleId: string, title: string): Promise<ModuleRow> {
    const module = await this.editableModule(viewer, moduleId);
    return this.changed(module.courseId, await this.modules.rename(moduleId, moduleTitle(title)));
  }

  async reorderModules(viewer: Viewer, courseId: string, moduleIds: string[]): Promise<CourseRow> {
    await this.editable(viewer, courseId);
    await this.modules.reorder(courseId, (current) =>
      assertSameModules(
        current.map((row) => row.id),
        moduleIds,
      ),
    );
    return this.changed(courseId, await this.mustFind(courseId));
  }

  async removeModule(viewer: Viewer, moduleId: string): Promise<CourseRow> {
    const module = await this.editableModule(viewer, moduleId);
    const course = await this.mustFind(module.courseId);
    await this.modules.remove(module, (current) => assertModuleRemovable(course, current.length));
    return this.changed(course.id, await this.mustFind(course.id));
  }

  createCategory(viewer: Viewer, name: string) {
    return this.categories.createCategory(viewer, name);
  }

  // ---- helpers -----------------------------------------------------------

  private async mustFind(id: string): Promise<CourseRow> {
    const course = isUuid(id) ? await this.courses.findById(id) : null;
    if (!course) throw notFound("Course");
    return course;
  }

  private async editable(viewer: Viewer, id: string): Promise<CourseRow> {
    const course = await this.mustFind(id);
    assertCanEdit(viewer, course);
    return course;
  }

  private async editableModule(viewer: Viewer, moduleId: string): Promise<ModuleRow> {
    const module = isUuid(moduleId) ? await this.modules.findById(moduleId) : null;
    if (!module) throw notFound("Module");
    await this.editable(viewer, module.courseId);
    return module;
  }

  private async assertCategory(categoryId: string | null) {
    if (categoryId === null) return;
    if (!isUuid(categoryId) || !(await this.categoryRows.exists(categoryId))) {
      throw badInput("No such category", { field: "categoryId" });
    }
  }

  /** Every committed write to a course or its modules passes through here, so no cached copy outlives it. */
  private async changed<T>(courseId: string, result: T): Promise<T> {
    await this.cache.invalidate(courseId);
    return result;
  }
}
