import type { CourseSnapshot } from "@campus/events";
import { byKey, type LoaderRegistry } from "@campus/subgraph";
import type { CatalogCourse } from "@campus/catalog-client";
import type { EnrollmentPrisma, EnrollmentTx } from "./enrollment.prisma";

type Row = {
  courseId: string;
  instructorId: string | null;
  status: string;
  priceAmount: number;
  priceCurrency: string;
  capacity: number | null;
  moduleIds: string[];
};

function toCourse(row: Row): CatalogCourse {
  return {
    id: row.courseId,
    instructorId: row.instructorId,
    status: row.status as CatalogCourse["status"],
    price: { amount: row.priceAmount, currency: row.priceCurrency },
    capacity: row.capacity,
    modules: row.moduleIds.map((id) => ({ id })),
  };
}

/**
 * Enrollment's copy of catalog's course facts, kept from catalog's events
 * (see events/course-projection.consumer.ts): what `enroll` decides on while catalog
 * cannot be reached.
 */
export class CourseProjectionRepository {
  constructor(private readonly prisma: EnrollmentPrisma) {}

  byId(loaders: LoaderRegistry, id: string): Promise<CatalogCourse | null> {
    return loaders
      .get<string, CatalogCourse | null>("projection:course", async (ids) => {
        const rows = await this.prisma.courseProjection.findMany({ where: { courseId: { in: [...ids] } } });
        return byKey(ids, rows.map(toCourse), (course) => course.id);
      })
      .load(id);
  }

  /**
   * Applies a snapshot unless the projection already holds a newer revision:
   * insert when absent, then update only an older row, so a late or replayed
   * event never rolls the course back.
   */
  async apply(tx: EnrollmentTx, snapshot: CourseSnapshot): Promise<void> {
    const data = {
      revision: snapshot.revision,
      instructorId: snapshot.instructorId,
      status: snapshot.status,
      priceAmount: snapshot.price.amount,
      priceCurrency: snapshot.price.currency,
      capacity: snapshot.capacity,
      moduleIds: snapshot.moduleIds,
    };
    await tx.courseProjection.createMany({ data: [{ courseId: snapshot.courseId, ...data }], skipDuplicates: true });
    await tx.courseProjection.updateMany({
      where: { courseId: snapshot.courseId, revision: { lt: snapshot.revision } },
      data,
    });
  }
}
