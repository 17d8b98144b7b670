import { keysetAfter, type Keyset } from "@campus/subgraph";
import type { CatalogPrisma, CourseLevel, CourseRecord, CourseRow, CourseStatus, Prisma } from "./catalog.prisma";

/** What the listing may return, after visibility has been decided by the service. */
export interface ListingQuery {
  statuses: CourseStatus[];
  categoryId?: string | null;
  level?: CourseLevel | null;
  free?: boolean | null;
  maxPrice?: number | null;
  instructorId?: string | null;
}

function listingWhere(query: ListingQuery): Prisma.CourseWhereInput {
  const price: Prisma.CourseWhereInput[] = [];
  if (query.free === true) price.push({ priceAmount: 0 });
  if (query.free === false) price.push({ priceAmount: { gt: 0 } });
  if (query.maxPrice !== undefined && query.maxPrice !== null) price.push({ priceAmount: { lte: query.maxPrice } });
  return {
    // a single status as equality so the (status, createdAt, id) index serves the browse query
    status: query.statuses.length === 1 ? query.statuses[0] : { in: query.statuses },
    ...(query.categoryId ? { categoryId: query.categoryId } : {}),
    ...(query.level ? { level: query.level } : {}),
    ...(query.instructorId ? { instructorId: query.instructorId } : {}),
    ...(price.length > 0 ? { AND: price } : {}),
  };
}

export class CourseRepository {
  constructor(private readonly prisma: CatalogPrisma) {}

  /** Any status: references from other subgraphs and cached reads need drafts and archived courses too. */
  findManyWithModules(ids: string[]): Promise<CourseRecord[]> {
    return this.prisma.course.findMany({
      where: { id: { in: ids } },
      include: { modules: { orderBy: { position: "asc" } } },
    });
  }

  findById(id: string): Promise<CourseRow | null> {
    return this.prisma.course.findUnique({ where: { id } });
  }

  findBySlug(slug: string): Promise<CourseRow | null> {
    return this.prisma.course.findUnique({ where: { slug } });
  }

  async slugsLike(base: string): Promise<string[]> {
    const rows = await this.prisma.course.findMany({
      where: { OR: [{ slug: base }, { slug: { startsWith: `${base}-` } }] },
      select: { slug: true },
    });
    return rows.map((row) => row.slug);
  }

  /**
   * Keyset page, newest first, fetching one extra row to know if more exist.
   * Rows inserted while a client pages are newer than its cursor, so they
   * never shift the pages still to come.
   */
  page(query: ListingQuery, take: number, after?: Keyset): Promise<[CourseRow[], number]> {
    const where = listingWhere(query);
    const keyset: Prisma.CourseWhereInput | undefined = after ? keysetAfter("createdAt", after, "desc") : undefined;
    return Promise.all([
      this.prisma.course.findMany({
        where: keyset ? { AND: [where, keyset] } : where,
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: take + 1,
      }),
      this.prisma.course.count({ where }),
    ]);
  }
}
