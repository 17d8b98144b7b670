import { z } from "zod";
import { defineEvent, registerEvents, uuid } from "../event-registry";

/** Published by enrollment (topic campus.enrollment.events). */
const enrollment = z.object({
  enrollmentId: uuid,
  userId: uuid,
  courseId: uuid,
  status: z.enum(["ACTIVE", "COMPLETED", "CANCELLED"]),
  progress: z.number().min(0).max(1),
  /** Set when an order granted it: commerce already counted its seat (v1 addition, optional). */
  orderId: uuid.optional(),
});

export const enrollmentCreated = defineEvent("campus.enrollment.created.v1", "enrollment", enrollment);
export const enrollmentProgressed = defineEvent("campus.enrollment.progressed.v1", "enrollment", enrollment);
export const enrollmentCompleted = defineEvent("campus.enrollment.completed.v1", "enrollment", enrollment);
export const enrollmentCancelled = defineEvent("campus.enrollment.cancelled.v1", "enrollment", enrollment);

/**
 * Enrollment's answer to a paid order (the purchase saga's second step): the
 * items it enrolled the buyer in and those it could not, with why. Commerce
 * fulfils the order, or refunds what was refused.
 */
export const purchaseFulfilled = defineEvent(
  "campus.enrollment.purchase_fulfilled.v1",
  "enrollment",
  z.object({
    orderId: uuid,
    userId: uuid,
    granted: z.array(z.object({ orderItemId: uuid, courseId: uuid, enrollmentId: uuid })),
    refused: z.array(z.object({ orderItemId: uuid, courseId: uuid, reason: z.string() })),
  }),
);

registerEvents(purchaseFulfilled, enrollmentCreated, enrollmentProgressed, enrollmentCompleted, enrollmentCancelled);

export type PurchaseFulfilledData = z.infer<typeof purchaseFulfilled.data>;
