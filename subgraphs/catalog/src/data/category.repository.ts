import type { CatalogPrisma, CategoryRow } from "./catalog.prisma";

export class CategoryRepository {
  constructor(private readonly prisma: CatalogPrisma) {}

  all(): Promise<CategoryRow[]> {
    return this.prisma.category.findMany({ orderBy: { name: "asc" } });
  }

  byIds(ids: string[]): Promise<CategoryRow[]> {
    return this.prisma.category.findMany({ where: { id: { in: ids } } });
  }

  findById(id: string): Promise<CategoryRow | null> {
    return this.prisma.category.findUnique({ where: { id } });
  }

  /** Throws Prisma P2002 on a duplicate slug; the service maps it to CONFLICT. */
  create(data: { name: string; slug: string }): Promise<CategoryRow> {
    return this.prisma.category.create({ data });
  }
}
