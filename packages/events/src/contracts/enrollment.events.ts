import { z } from "zod";
import { defineEvent, registerEvents, uuid } from "../event-registry";

/** Published by enrollment (topic campus.enrollment.events). */
const enrollment = z.object({
  enrollmentId: uuid,
  userId: uuid,
  courseId: uuid,
  status: z.enum(["ACTIVE", "COMPLETED", "CANCELLED"]),
  progress: z.number().min(0).max(1),
});

export const enrollmentCreated = defineEvent("campus.enrollment.created.v1", "enrollment", enrollment);
export const enrollmentProgressed = defineEvent("campus.enrollment.progressed.v1", "enrollment", enrollment);
export const enrollmentCompleted = defineEvent("campus.enrollment.completed.v1", "enrollment", enrollment);
export const enrollmentCancelled = defineEvent("campus.enrollment.cancelled.v1", "enrollment", enrollment);

registerEvents(enrollmentCreated, enrollmentProgressed, enrollmentCompleted, enrollmentCancelled);
