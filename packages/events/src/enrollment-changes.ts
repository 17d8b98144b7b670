import type { z } from "zod";
import { on, type EventHandler, type HandlerEntry } from "./consumer";
import {
  enrollmentCancelled,
  enrollmentCompleted,
  enrollmentCreated,
  enrollmentProgressed,
} from "./contracts/enrollment.events";

/** An enrollment as it stands after any of its events. */
export type EnrollmentState = z.infer<typeof enrollmentCreated.data>;

/**
 * Every enrollment event carries the enrollment's state after the change, so
 * a subgraph keeping its own copy of who is enrolled where (catalog, content,
 * assessment, commerce) applies each of them the same way: one handler, all
 * four events.
 */
export function onEnrollmentChange<TX>(handle: EventHandler<TX, EnrollmentState>): HandlerEntry<TX>[] {
  return [enrollmentCreated, enrollmentProgressed, enrollmentCompleted, enrollmentCancelled].map((definition) =>
    on(definition, handle),
  );
}
