import { z } from "zod";
import { defineEvent, registerEvents, uuid } from "../event-registry";

/** Published by catalog (topic campus.catalog.events). */
/**
 * Course events carry the course as it is after the change, so a consumer can
 * keep a projection from any single event; `revision` grows with every write
 * and lets it ignore a snapshot older than the one it holds.
 */
export const courseSnapshot = z.object({
  courseId: uuid,
  revision: z.number().int().positive(),
  instructorId: uuid,
  title: z.string(),
  slug: z.string(),
  status: z.enum(["DRAFT", "PUBLISHED", "ARCHIVED"]),
  price: z.object({ amount: z.number().int().nonnegative(), currency: z.string().length(3) }),
  capacity: z.number().int().positive().nullable(),
  /** In the course's order. */
  moduleIds: z.array(uuid),
  // Optional v1 additions: events published before them lack them; catalog's publisher always sets them.
  description: z.string().optional(),
  level: z.enum(["BEGINNER", "INTERMEDIATE", "ADVANCED"]).optional(),
  /** A language tag such as en or pt-BR. */
  language: z.string().optional(),
  /** null: the course has no category. */
  category: z.object({ id: uuid, name: z.string() }).nullable().optional(),
  /** The modules with their titles, in the course's order (the same order as `moduleIds`). */
  modules: z.array(z.object({ id: uuid, title: z.string() })).optional(),
  /** ISO 8601; null until the course is first published. */
  publishedAt: z.string().datetime().nullable().optional(),
  /** ISO 8601: when this write happened. */
  updatedAt: z.string().datetime().optional(),
});
export type CourseSnapshot = z.infer<typeof courseSnapshot>;

const moduleChange = courseSnapshot.extend({ moduleId: uuid });

export const courseCreated = defineEvent("campus.course.created.v1", "catalog", courseSnapshot);
export const courseUpdated = defineEvent("campus.course.updated.v1", "catalog", courseSnapshot);
export const coursePublished = defineEvent("campus.course.published.v1", "catalog", courseSnapshot);
export const courseArchived = defineEvent("campus.course.archived.v1", "catalog", courseSnapshot);
export const moduleAdded = defineEvent("campus.course.module_added.v1", "catalog", moduleChange);
export const moduleRenamed = defineEvent("campus.course.module_renamed.v1", "catalog", moduleChange);
export const moduleRemoved = defineEvent("campus.course.module_removed.v1", "catalog", moduleChange);
export const modulesReordered = defineEvent("campus.course.modules_reordered.v1", "catalog", courseSnapshot);

registerEvents(
  courseCreated,
  courseUpdated,
  coursePublished,
  courseArchived,
  moduleAdded,
  moduleRenamed,
  moduleRemoved,
  modulesReordered,
);
