import {
  courseArchived,
  courseCreated,
  coursePublished,
  courseUpdated,
  EventConsumer,
  moduleAdded,
  moduleRemoved,
  moduleRenamed,
  modulesReordered,
  on,
  prismaSql,
  type CampusEvent,
  type CourseSnapshot,
  type Emit,
  type Outbox,
} from "@campus/events";
import { TRANSACTION_OPTIONS, type Database } from "@campus/database";
import type { Logger } from "@campus/logging";
import type { CourseProjectionRepository } from "../data/course-projection";
import { EnrollmentWrites } from "../data/enrollment-writes";
import type { EnrollmentPrisma, Prisma } from "../data/prisma";
import { computeProgress, statusForProgress } from "../service/progress";
import { emitProgress } from "../service/enrollment-service";

type Tx = Prisma.TransactionClient;

export const COURSE_PROJECTION_GROUP = "enrollment.course-projection";

/**
 * Consumes catalog's course events: keeps the course projection current and,
 * when a course's modules change, recomputes the progress of its ACTIVE
 * enrollments (a removed module no longer counts; an added one lowers the
 * share). COMPLETED enrollments stay completed: finishing a course is not
 * taken back because the instructor extended it.
 */
export function courseProjectionConsumer(deps: {
  prisma: EnrollmentPrisma;
  db: Database;
  projection: CourseProjectionRepository;
  outbox: Outbox;
  logger: Logger;
  maxAttempts?: number;
  retryBaseMs?: number;
}) {
  const { projection, outbox } = deps;

  const keep = (event: CampusEvent<CourseSnapshot>, tx: Tx) => projection.apply(tx, event.data);

  const keepAndRecompute = async (event: CampusEvent<CourseSnapshot>, tx: Tx) => {
    await projection.apply(tx, event.data);
    const emitted: { topic: string; event: CampusEvent }[] = [];
    const emit: Emit = (definition, subject, data) =>
      emitted.push({ topic: definition.topic, event: definition.create(outbox.source, subject, data) });
    await recomputeProgress(new EnrollmentWrites(tx), event.data, emit);
    await outbox.append(prismaSql(tx), emitted);
  };

  return new EventConsumer<Tx>({
    group: COURSE_PROJECTION_GROUP,
    db: deps.db,
    transaction: (work) => deps.prisma.$transaction(work, TRANSACTION_OPTIONS),
    sql: prismaSql,
    logger: deps.logger,
    maxAttempts: deps.maxAttempts,
    retryBaseMs: deps.retryBaseMs,
    handlers: [
      on(courseCreated, keep),
      on(courseUpdated, keep),
      on(coursePublished, keep),
      on(courseArchived, keep),
      on(moduleRenamed, keep),
      on(modulesReordered, keep),
      on(moduleAdded, keepAndRecompute),
      on(moduleRemoved, keepAndRecompute),
    ],
  });
}

async function recomputeProgress(tx: EnrollmentWrites, course: CourseSnapshot, emit: Emit) {
  const now = new Date();
  for (const enrollment of await tx.activeWithCompletions(course.courseId)) {
    const progress = computeProgress(enrollment.completedModuleIds, course.moduleIds);
    if (progress === enrollment.row.progress) continue;
    const updated = await tx.update(enrollment.row.id, { progress, ...statusForProgress(progress, null, now) });
    emitProgress(emit, enrollment.row, updated);
  }
}
