import type { Viewer } from "@campus/auth";
import { badInput, conflict, notFound } from "@campus/errors";
import type { Logger } from "@campus/logging";
import { decodeCursor, isUuid, pageSize, toConnection, type LoaderRegistry } from "@campus/subgraph";
import {
  courseArchived,
  courseCreated,
  coursePublished,
  courseUpdated,
  moduleAdded,
  moduleRemoved,
  moduleRenamed,
  modulesReordered,
  type Emit,
  type UnitOfWork,
} from "@campus/events";
import type { CatalogLoaders } from "../data/catalog.loaders";
import { CourseWrites, type CategoryRef, type LockedCourse, type ModuleRef } from "../data/course.writes";
import type { CategoryRepository } from "../data/category.repository";
import type { CourseCache } from "../data/course.cache";
import type { CourseLearnerRepository } from "../data/course-learner.repository";
import type { CourseRepository } from "../data/course.repository";
import type { ModuleRepository } from "../data/module.repository";
import {
  isUniqueViolation,
  type CatalogTx,
  type CourseLevel,
  type CourseRecord,
  type CourseRow,
  type CourseStatus,
  type ModuleRow,
} from "../data/catalog.prisma";
import type { CategoryService } from "./category.service";
import {
  moduleSummary,
  moduleTitle,
  validateCreate,
  validateUpdate,
  type AddModuleInput,
  type CreateCourseInput,
  type UpdateCourseInput,
} from "./course.input";
import {
  assertCanCreate,
  assertCanEdit,
  assertModuleRemovable,
  assertPublishable,
  assertSameModules,
  canViewCourse,
  listingStatuses,
  needsLearnerFact,
} from "./course.policy";
import { courseSnapshot } from "../events/course.publisher";
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
    private readonly work: UnitOfWork<CatalogTx>,
    private readonly categoryRows: CategoryRepository,
    private readonly categories: CategoryService,
    private readonly loaders: CatalogLoaders,
    private readonly cache: CourseCache,
    private readonly learners: CourseLearnerRepository,
    private readonly logger: Logger,
  ) {}

  // ---- reads -------------------------------------------------------------

  async course(viewer: Viewer, loaders: LoaderRegistry, id: string): Promise<CourseRecord | null> {
    return this.visible(viewer, loaders, await this.loaders.course(loaders, id));
  }

  async courseBySlug(viewer: Viewer, loaders: LoaderRegistry, slug: string): Promise<CourseRow | null> {
    return this.visible(viewer, loaders, await this.courses.findBySlug(slug));
  }

  /** For other subgraphs' references: every status, since they hold ids of drafts and archived courses too. */
  reference(loaders: LoaderRegistry, id: string): Promise<CourseRecord | null> {
    return this.loaders.course(loaders, id);
  }

  /** A module for other subgraphs' references (content's `Module.contents`), whatever its course's status. */
  moduleReference(loaders: LoaderRegistry, id: string): Promise<ModuleRow | null> {
    return this.loaders.module(loaders, id);
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
    const category = await this.assertCategory(data.categoryId);
    const base = slugify(data.title);
    for (let attempt = 1; ; attempt += 1) {
      const slug = nextFreeSlug(base, await this.courses.slugsLike(base));
      try {
        const course = await this.work.run(async (tx, emit) => {
          const created = await new CourseWrites(tx).create({ ...data, slug, instructorId: viewer.userId! });
          emit(courseCreated, created.id, courseSnapshot(created, category, []));
          return created;
        });
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
    const category = data.categoryId ? await this.assertCategory(data.categoryId) : null;
    return this.write(id, async (w, emit) => {
      const locked = await this.locked(w, id);
      const course = await w.update(id, data);
      emit(courseUpdated, id, await snapshotAfter(w, course, await w.moduleRefs(id), locked.category, category));
      return course;
    });
  }

  async publishCourse(viewer: Viewer, id: string): Promise<CourseRow> {
    await this.editable(viewer, id);
    return this.write(id, async (w, emit) => {
      const course = await this.locked(w, id);
      const modules = await w.moduleRefs(id);
      if (!assertPublishable(course, modules.length)) return withoutCategory(course);
      const published = await w.update(id, { status: "PUBLISHED", publishedAt: new Date() });
      emit(coursePublished, id, await snapshotAfter(w, published, modules, course.category));
      return published;
    });
  }

  async archiveCourse(viewer: Viewer, id: string): Promise<CourseRow> {
    await this.editable(viewer, id);
    return this.write(id, async (w, emit) => {
      const course = await this.locked(w, id);
      if (course.status === "ARCHIVED") return withoutCategory(course);
      const archived = await w.update(id, { status: "ARCHIVED" });
      emit(courseArchived, id, await snapshotAfter(w, archived, await w.moduleRefs(id), course.category));
      return archived;
    });
  }

  async addModule(viewer: Viewer, courseId: string, input: AddModuleInput): Promise<ModuleRow> {
    await this.editable(viewer, courseId);
    const data = {
      title: moduleTitle(input.title),
      summary: input.summary === undefined || input.summary === null ? null : moduleSummary(input.summary),
    };
    return this.write(courseId, async (w, emit) => {
      const { category } = await this.locked(w, courseId);
      const module = await w.appendModule(courseId, data);
      const course = await w.update(courseId);
      const snapshot = await snapshotAfter(w, course, await w.moduleRefs(courseId), category);
      emit(moduleAdded, courseId, { ...snapshot, moduleId: module.id });
      return module;
    });
  }

  async renameModule(viewer: Viewer, moduleId: string, title: string): Promise<ModuleRow> {
    const { courseId } = await this.editableModule(viewer, moduleId);
    const name = moduleTitle(title);
    return this.write(courseId, async (w, emit) => {
      const { category } = await this.locked(w, courseId);
      if (!(await w.module(moduleId))) throw notFound("Module");
      const module = await w.renameModule(moduleId, name);
      const course = await w.update(courseId);
      const snapshot = await snapshotAfter(w, course, await w.moduleRefs(courseId), category);
      emit(moduleRenamed, courseId, { ...snapshot, moduleId });
      return module;
    });
  }

  async reorderModules(viewer: Viewer, courseId: string, moduleIds: string[]): Promise<CourseRow> {
    await this.editable(viewer, courseId);
    return this.write(courseId, async (w, emit) => {
      const { category } = await this.locked(w, courseId);
      const current = await w.modules(courseId);
      const ordered = assertSameModules(
        current.map((row) => row.id),
        moduleIds,
      );
      await w.rewritePositions(current, ordered);
      const course = await w.update(courseId);
      const byId = new Map(current.map((row) => [row.id, row]));
      const modules = ordered.map((id) => byId.get(id)!);
      emit(modulesReordered, courseId, await snapshotAfter(w, course, modules, category));
      return course;
    });
  }

  async removeModule(viewer: Viewer, moduleId: string): Promise<CourseRow> {
    const { courseId } = await this.editableModule(viewer, moduleId);
    return this.write(courseId, async (w, emit) => {
      const locked = await this.locked(w, courseId);
      const current = await w.modules(courseId);
      if (!current.some((row) => row.id === moduleId)) throw notFound("Module");
      assertModuleRemovable(locked, current.length);
      await w.removeModule(moduleId);
      const rest = current.filter((row) => row.id !== moduleId);
      await w.rewritePositions(
        rest,
        rest.map((row) => row.id),
      );
      const course = await w.update(courseId);
      emit(moduleRemoved, courseId, { ...(await snapshotAfter(w, course, rest, locked.category)), moduleId });
      return course;
    });
  }

  createCategory(viewer: Viewer, name: string) {
    return this.categories.createCategory(viewer, name);
  }

  // ---- helpers -----------------------------------------------------------

  /**
   * The root fields' visibility rule (course-policy.ts canViewCourse). Whether
   * the viewer is a learner of the course is looked up only for an archived
   * course they cannot edit, from catalog's own CourseLearner copy, batched
   * per request.
   */
  private async visible<T extends CourseRow>(viewer: Viewer, loaders: LoaderRegistry, course: T | null) {
    if (!course) return null;
    const learner =
      needsLearnerFact(viewer, course) && (await this.learners.holdsAccess(loaders, viewer.userId!, course.id));
    return canViewCourse(viewer, course, learner) ? course : null;
  }

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

  /** The category a write names, read once here: the write's event names it without reading it again. */
  private async assertCategory(categoryId: string | null): Promise<CategoryRef | null> {
    if (categoryId === null) return null;
    const category = isUuid(categoryId) ? await this.categoryRows.findById(categoryId) : null;
    if (!category) throw badInput("No such category", { field: "categoryId" });
    return category;
  }

  private async locked(w: CourseWrites, id: string): Promise<LockedCourse> {
    const course = await w.lock(id);
    if (!course) throw notFound("Course");
    return course;
  }

  /**
   * Every write to a course or its modules passes through here: one
   * transaction with its event, then the cached copy goes, so none outlives
   * a committed change.
   */
  private async write<T>(courseId: string, work: (w: CourseWrites, emit: Emit) => Promise<T>): Promise<T> {
    let revision: number | undefined;
    const result = await this.work.run(async (tx, emit) => {
      const writes = new CourseWrites(tx);
      const done = await work(writes, emit);
      revision = writes.revision;
      return done;
    });
    await this.cache.invalidate(courseId, revision);
    return result;
  }
}

/**
 * The snapshot a write's event carries: the course row after the write, its
 * modules in order, and its category from rows the write already read
 * (`known`), so the event adds no statement.
 */
async function snapshotAfter(
  w: CourseWrites,
  course: CourseRow,
  modules: ModuleRef[],
  ...known: (CategoryRef | null)[]
) {
  return courseSnapshot(course, await w.categoryOf(course, ...known), modules);
}

/** What a write answers with: the course row, without the category the lock read for its event. */
function withoutCategory({ category: _category, ...course }: LockedCourse): CourseRow {
  return course;
}
