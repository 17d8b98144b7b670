import { z } from "zod";
import { envelope, envelopeSchema, type CampusEvent } from "./envelope";

/**
 * Every event Campus publishes, in one place: producers build events from
 * these definitions and consumers parse with them, so both sides agree on
 * the shape. A version, once published, never changes incompatibly: add a
 * field as optional, or publish `.v2` beside `.v1` (catalog-compat.test.ts
 * enforces it against catalog.snapshot.json).
 */
export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  type: string;
  /** One topic per producing domain; the subject (aggregate id) is the partition key. */
  topic: string;
  data: S;
  create(source: string, subject: string, data: z.infer<S>): CampusEvent<z.infer<S>>;
}

export const TOPICS = {
  identity: "campus.identity.events",
  catalog: "campus.catalog.events",
  enrollment: "campus.enrollment.events",
} as const;

function define<S extends z.ZodType>(type: string, topic: string, data: S): EventDefinition<S> {
  return {
    type,
    topic,
    data,
    create: (source, subject, payload) => envelope(type, source, subject, data.parse(payload)),
  };
}

const uuid = z.string().uuid();
const role = z.enum(["LEARNER", "INSTRUCTOR", "ADMIN"]);

// ---- identity ---------------------------------------------------------------

const user = z.object({ userId: uuid, email: z.string(), name: z.string(), roles: z.array(role) });

export const userRegistered = define("campus.user.registered.v1", TOPICS.identity, user);
export const userRoleGranted = define(
  "campus.user.role_granted.v1",
  TOPICS.identity,
  z.object({ userId: uuid, role, roles: z.array(role) }),
);
export const userRoleRevoked = define(
  "campus.user.role_revoked.v1",
  TOPICS.identity,
  z.object({ userId: uuid, role, roles: z.array(role) }),
);
export const userDisabled = define("campus.user.disabled.v1", TOPICS.identity, z.object({ userId: uuid }));

// ---- catalog ----------------------------------------------------------------

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
});
export type CourseSnapshot = z.infer<typeof courseSnapshot>;

const moduleChange = courseSnapshot.extend({ moduleId: uuid });

export const courseCreated = define("campus.course.created.v1", TOPICS.catalog, courseSnapshot);
export const courseUpdated = define("campus.course.updated.v1", TOPICS.catalog, courseSnapshot);
export const coursePublished = define("campus.course.published.v1", TOPICS.catalog, courseSnapshot);
export const courseArchived = define("campus.course.archived.v1", TOPICS.catalog, courseSnapshot);
export const moduleAdded = define("campus.course.module_added.v1", TOPICS.catalog, moduleChange);
export const moduleRenamed = define("campus.course.module_renamed.v1", TOPICS.catalog, moduleChange);
export const moduleRemoved = define("campus.course.module_removed.v1", TOPICS.catalog, moduleChange);
export const modulesReordered = define("campus.course.modules_reordered.v1", TOPICS.catalog, courseSnapshot);

// ---- enrollment -------------------------------------------------------------

const enrollment = z.object({
  enrollmentId: uuid,
  userId: uuid,
  courseId: uuid,
  status: z.enum(["ACTIVE", "COMPLETED", "CANCELLED"]),
  progress: z.number().min(0).max(1),
});

export const enrollmentCreated = define("campus.enrollment.created.v1", TOPICS.enrollment, enrollment);
export const enrollmentProgressed = define("campus.enrollment.progressed.v1", TOPICS.enrollment, enrollment);
export const enrollmentCompleted = define("campus.enrollment.completed.v1", TOPICS.enrollment, enrollment);
export const enrollmentCancelled = define("campus.enrollment.cancelled.v1", TOPICS.enrollment, enrollment);

export const eventCatalog: ReadonlyMap<string, EventDefinition> = new Map(
  [
    userRegistered,
    userRoleGranted,
    userRoleRevoked,
    userDisabled,
    courseCreated,
    courseUpdated,
    coursePublished,
    courseArchived,
    moduleAdded,
    moduleRenamed,
    moduleRemoved,
    modulesReordered,
    enrollmentCreated,
    enrollmentProgressed,
    enrollmentCompleted,
    enrollmentCancelled,
  ].map((definition) => [definition.type, definition as EventDefinition]),
);

/** Thrown for an event no handler can trust; consumers dead-letter it at once. */
export class MalformedEventError extends Error {
  override name = "MalformedEventError";
}

/** Checks the envelope and, for a known type, its data; unknown types pass with their data unchecked. */
export function parseEvent(raw: unknown): CampusEvent {
  const parsed = envelopeSchema.safeParse(raw);
  if (!parsed.success) throw new MalformedEventError(`not a Campus CloudEvent: ${parsed.error.issues[0]?.message}`);
  const event = parsed.data as CampusEvent;
  const definition = eventCatalog.get(event.type);
  if (!definition) return event;
  const data = definition.data.safeParse(event.data);
  if (!data.success) {
    const issue = data.error.issues[0];
    throw new MalformedEventError(`${event.type} ${event.id}: ${issue?.path.join(".")} ${issue?.message}`);
  }
  return { ...event, data: data.data };
}
