import type { CatalogTx, CourseRow, ModuleRow, Prisma } from "./catalog.prisma";

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

  /** Locks the course row until commit; null when there is no such course. */
  async lock(id: string): Promise<CourseRow | null> {
    await this.tx.$queryRaw`SELECT 1 FROM "catalog"."Course" WHERE "id" = ${id}::uuid FOR UPDATE`;
    return this.tx.course.findUnique({ where: { id } });
  }

  /** Applies `data` (possibly nothing, for module changes) and bumps the revision. */
  update(id: string, data: Prisma.CourseUncheckedUpdateInput = {}): Promise<CourseRow> {
    return this.tx.course.update({ where: { id }, data: { ...data, revision: { increment: 1 } } });
  }

  moduleIds(courseId: string): Promise<string[]> {
    return this.tx.module
      .findMany({ where: { courseId }, orderBy: { position: "asc" }, select: { id: true } })
      .then((rows) => rows.map((row) => row.id));
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
