import type { CourseSnapshot } from "@campus/events";
import type { CourseRow } from "../data/catalog.prisma";
import type { CategoryRef, ModuleRef } from "../data/course.writes";

/**
 * What catalog tells other subgraphs about a course: the whole course after
 * the change, its description, category and module titles included (search
 * indexes courses from these events alone), so a consumer needs no second
 * call. Module summaries stay out. Every field of the contract is set, the
 * optional v1 additions too.
 */
export function courseSnapshot(
  course: CourseRow,
  category: CategoryRef | null,
  modules: ModuleRef[],
): Required<CourseSnapshot> {
  if ((category?.id ?? null) !== course.categoryId) {
    throw new Error(`course ${course.id}: the event would name category ${category?.id}, not ${course.categoryId}`);
  }
  return {
    courseId: course.id,
    revision: course.revision,
    instructorId: course.instructorId,
    title: course.title,
    slug: course.slug,
    status: course.status,
    price: { amount: course.priceAmount, currency: course.priceCurrency },
    capacity: course.capacity,
    moduleIds: modules.map((module) => module.id),
    description: course.description,
    level: course.level,
    language: course.language,
    category: category && { id: category.id, name: category.name },
    modules: modules.map((module) => ({ id: module.id, title: module.title })),
    publishedAt: course.publishedAt?.toISOString() ?? null,
    updatedAt: course.updatedAt.toISOString(),
  };
}
