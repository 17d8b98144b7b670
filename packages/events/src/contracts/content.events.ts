import { z } from "zod";
import { defineEvent, registerEvents, uuid } from "../event-registry";

/**
 * Published by content (topic campus.content.events). Subject = the content
 * item's id, so one item's events keep their order on any transport.
 */
const contentSnapshot = z.object({
  contentId: uuid,
  courseId: uuid,
  moduleId: uuid,
  kind: z.enum(["VIDEO", "PDF", "ARTICLE"]),
  title: z.string(),
  /** 1-based within the module. */
  position: z.number().int().positive(),
  /** The READY version learners see. */
  version: z.number().int().positive(),
  /**
   * Optional v1 addition: ARTICLE items only, the markdown of that version;
   * absent for VIDEO and PDF, and in events published before it.
   */
  body: z.string().optional(),
});

/** A version became current: an item learners could not see yet, or a new version of one they could. */
export const contentPublished = defineEvent("campus.content.published.v1", "content", contentSnapshot);
/** An item's place in its module changed (reorder); sent for visible items only. */
export const contentUpdated = defineEvent("campus.content.updated.v1", "content", contentSnapshot);

/**
 * A learner marked an item complete. `moduleCompleted`: every READY item of
 * the module is now complete for them, which enrollment records as module
 * progress (as `updateProgress` would).
 */
export const contentCompleted = defineEvent(
  "campus.content.completed.v1",
  "content",
  z.object({
    userId: uuid,
    courseId: uuid,
    moduleId: uuid,
    contentId: uuid,
    moduleCompleted: z.boolean(),
  }),
);

registerEvents(contentPublished, contentUpdated, contentCompleted);

export type ContentSnapshot = z.infer<typeof contentSnapshot>;
export type ContentCompletedData = z.infer<typeof contentCompleted.data>;
