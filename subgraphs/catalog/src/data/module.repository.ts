import type { CatalogPrisma, ModuleRow } from "./catalog.prisma";

/** Module reads; writes run in CatalogWrites, under the course's lock. */
export class ModuleRepository {
  constructor(private readonly prisma: CatalogPrisma) {}

  byCourseIds(courseIds: string[]): Promise<ModuleRow[]> {
    return this.prisma.module.findMany({
      where: { courseId: { in: courseIds } },
      orderBy: [{ courseId: "asc" }, { position: "asc" }],
    });
  }

  ofCourse(courseId: string): Promise<ModuleRow[]> {
    return this.prisma.module.findMany({ where: { courseId }, orderBy: { position: "asc" } });
  }

  byIds(ids: string[]): Promise<ModuleRow[]> {
    return this.prisma.module.findMany({ where: { id: { in: ids } } });
  }

  findById(id: string): Promise<ModuleRow | null> {
    return this.prisma.module.findUnique({ where: { id } });
  }
}
