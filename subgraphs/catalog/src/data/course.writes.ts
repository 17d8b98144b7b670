import type { CatalogTx, CategoryRow, CourseRow, ModuleRow, Prisma } from "./catalog.prisma";

/** A category as course events name it. Categories are never renamed or deleted, so a row read earlier stays right. */
export type CategoryRef = Pick<CategoryRow, "id" | "name">;
/** A module as course events name it. */
export type ModuleRef = Pick<ModuleRow, "id" | "title">;
/** The locked course row with its category, read by the statement that took the lock. */
export type LockedCourse = CourseRow & { category: CategoryRef | null };

/**
 * The statements of one catalog write, run in one transaction of catalog's
 * unit of work with the events it emits (see CourseService.write). Every
 * write to a course or its modules locks the course row first, so writers of one course take turns (module
 * positions stay 1..n, checks see current state) and their events reach the
 * outbox in commit order; it ends by bumping the course's revision.
 */
export class CourseWrites {
  constructor(private readonly tx: CatalogTx) {}

  /** Throws Prisma P2002 when another writer took the slug first; the service retries. */
  create(data: Prisma.CourseUncheckedCreateInput): Promise<CourseRow> {
    return this.tx.course.create({ data });
  }

  /**
   * Locks the course row until commit; null when there is no such course. The
   * locking statement also reads the course's category, which the write's
   * event names, so the event costs no statement of its own.
   */
  async lock(id: string): Promise<LockedCourse | null> {
    const [category] = await this.tx.$queryRaw<CategoryRef[]>`
      WITH locked AS MATERIALIZED (SELECT "categoryId" FROM "catalog"."Course" WHERE "id" = ${id}::uuid FOR UPDATE)
      SELECT category."id", category."name"
        FROM locked JOIN "catalog"."Category" category ON category."id" = locked."categoryId"`;
    const course = await this.tx.course.findUnique({ where: { id } });
    return course && { ...course, category: await this.categoryOf(course, category ?? null) };
  }

  /**
   * The course's category, taken from `known` (rows this write already read)
   * when one of them is it, else read. The read happens only when a category
   * created after the lock's snapshot became the course's meanwhile.
   */
  async categoryOf(course: CourseRow, ...known: (CategoryRef | null)[]): Promise<CategoryRef | null> {
    if (course.categoryId === null) return null;
    const hit = known.find((category) => category?.id === course.categoryId);
    if (hit) return { id: hit.id, name: hit.name };
    return this.tx.category.findUniqueOrThrow({
      where: { id: course.categoryId },
      select: { id: true, name: true },
    });
  }

  /** The course's revision after this write's last update (the cache's invalidation names it). */
  revision?: number;

  /** Applies `data` (possibly nothing, for module changes) and bumps the revision. */
  async update(id: string, data: Prisma.CourseUncheckedUpdateInput = {}): Promise<CourseRow> {
    const row = await this.tx.course.update({ where: { id }, data: { ...data, revision: { increment: 1 } } });
    this.revision = row.revision;
    return row;
  }

  /** The course's modules in order, as its events name them. */
  moduleRefs(courseId: string): Promise<ModuleRef[]> {
    return this.tx.module.findMany({
      where: { courseId },
      orderBy: { position: "asc" },
      select: { id: true, title: true },
    });
  }

  modules(courseId: string): Promise<ModuleRow[]> {
    return this.tx.module.findMany({ where: { courseId }, orderBy: { position: "asc" } });
  }

  module(id: string): Promise<ModuleRow | null> {
    return this.tx.module.findUnique({ where: { id } });
  }

  async appendModule(courseId: string, data: { title: string; summary: string | null }): Promise<ModuleRow> {
    const last = await this.tx.module.aggregate({ where: { courseId }, _max: { position: true } });
    return this.tx.module.create({ data: { ...data, courseId, position: (last._max.position ?? 0) + 1 } });
  }

  renameModule(id: string, title: string): Promise<ModuleRow> {
    return this.tx.module.update({ where: { id }, data: { title } });
  }

  async removeModule(id: string): Promise<void> {
    await this.tx.module.delete({ where: { id } });
  }

  /** Gives `orderedIds` positions 1..n, writing only rows whose position changes. */
  async rewritePositions(current: ModuleRow[], orderedIds: string[]): Promise<void> {
    const positionOf = new Map(current.map((row) => [row.id, row.position]));
    for (const [index, id] of orderedIds.entries()) {
      if (positionOf.get(id) !== index + 1) {
        await this.tx.module.update({ where: { id }, data: { position: index + 1 } });
      }
    }
  }
}
