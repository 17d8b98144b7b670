import type { CourseSnapshot } from "@campus/events";
import type { CourseRow } from "../data/catalog.prisma";

/**
 * What catalog tells other subgraphs about a course: the whole course after
 * the change (minus its long texts), so a consumer needs no second call.
 */
export function courseSnapshot(course: CourseRow, moduleIds: string[]): CourseSnapshot {
  return {
    courseId: course.id,
    revision: course.revision,
    instructorId: course.instructorId,
    title: course.title,
    slug: course.slug,
    status: course.status,
    price: { amount: course.priceAmount, currency: course.priceCurrency },
    capacity: course.capacity,
    moduleIds,
  };
}
