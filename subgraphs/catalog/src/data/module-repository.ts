import type { CatalogPrisma, ModuleRow, Prisma } from "./prisma";

type Tx = Prisma.TransactionClient;

/**
 * Module writes of one course are serialised by locking the course row first
 * (the touch also bumps the course's updatedAt), so positions stay 1..n even
 * when two editors add or remove at the same time.
 */
async function lockCourse(tx: Tx, courseId: string) {
  await tx.course.update({ where: { id: courseId }, data: { updatedAt: new Date() } });
}

export class ModuleRepository {
  constructor(private readonly prisma: CatalogPrisma) {}

  byCourseIds(courseIds: string[]): Promise<ModuleRow[]> {
    return this.prisma.module.findMany({
      where: { courseId: { in: courseIds } },
      orderBy: [{ courseId: "asc" }, { position: "asc" }],
    });
  }

  ofCourse(courseId: string): Promise<ModuleRow[]> {
    return this.prisma.module.findMany({ where: { courseId }, orderBy: { position: "asc" } });
  }

  findById(id: string): Promise<ModuleRow | null> {
    return this.prisma.module.findUnique({ where: { id } });
  }

  count(courseId: string): Promise<number> {
    return this.prisma.module.count({ where: { courseId } });
  }

  append(courseId: string, data: { title: string; summary: string | null }): Promise<ModuleRow> {
    return this.prisma.$transaction(async (tx) => {
      await lockCourse(tx, courseId);
      const last = await tx.module.aggregate({ where: { courseId }, _max: { position: true } });
      return tx.module.create({ data: { ...data, courseId, position: (last._max.position ?? 0) + 1 } });
    });
  }

  rename(id: string, title: string): Promise<ModuleRow> {
    return this.prisma.module.update({ where: { id }, data: { title } });
  }

  /**
   * `check` sees the course's current modules inside the lock and throws to
   * refuse; the ids it returns get positions 1..n.
   */
  reorder(courseId: string, check: (current: ModuleRow[]) => string[]): Promise<void> {
    return this.prisma.$transaction(async (tx) => {
      await lockCourse(tx, courseId);
      const current = await tx.module.findMany({ where: { courseId }, orderBy: { position: "asc" } });
      await rewritePositions(tx, current, check(current));
    });
  }

  /** `check` may refuse (throw) after seeing the course's modules, inside the lock. */
  remove(module: ModuleRow, check: (current: ModuleRow[]) => void): Promise<void> {
    return this.prisma.$transaction(async (tx) => {
      await lockCourse(tx, module.courseId);
      const current = await tx.module.findMany({ where: { courseId: module.courseId }, orderBy: { position: "asc" } });
      check(current);
      await tx.module.delete({ where: { id: module.id } });
      const rest = current.filter((row) => row.id !== module.id);
      await rewritePositions(
        tx,
        rest,
        rest.map((row) => row.id),
      );
    });
  }
}

/** Only rows whose position changes are written. */
async function rewritePositions(tx: Tx, current: ModuleRow[], orderedIds: string[]) {
  const positionOf = new Map(current.map((row) => [row.id, row.position]));
  for (const [index, id] of orderedIds.entries()) {
    if (positionOf.get(id) !== index + 1) await tx.module.update({ where: { id }, data: { position: index + 1 } });
  }
}
