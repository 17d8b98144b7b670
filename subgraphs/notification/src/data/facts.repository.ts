import type { NotificationTx } from "./notification.prisma";

/**
 * Notification's copies of the owners' facts, kept from their events in the
 * consumer's transaction: who a user is (to address mail), a course's title
 * and instructor, who is enrolled where, which content items are known, and
 * assignments with due dates. Never read from the owners' tables.
 */
export class FactsRepository {
  async applyRecipient(
    tx: NotificationTx,
    fact: { userId: string; email?: string; name: string; changedAt: Date },
  ): Promise<void> {
    const existing = await tx.recipient.findUnique({ where: { userId: fact.userId } });
    if (!existing) {
      // a rename of someone registered before this service's log: no address to mail, nothing to keep
      if (fact.email === undefined) return;
      await tx.recipient.create({
        data: { userId: fact.userId, email: fact.email, name: fact.name, changedAt: fact.changedAt },
      });
      return;
    }
    if (existing.changedAt > fact.changedAt) return;
    await tx.recipient.update({
      where: { userId: fact.userId },
      data: { name: fact.name, changedAt: fact.changedAt, ...(fact.email ? { email: fact.email } : {}) },
    });
  }

  recipient(tx: NotificationTx, userId: string) {
    return tx.recipient.findUnique({ where: { userId } });
  }

  async applyCourse(
    tx: NotificationTx,
    course: { courseId: string; revision: number; title: string; instructorId: string },
  ): Promise<void> {
    const data = { revision: course.revision, title: course.title, instructorId: course.instructorId };
    // an older snapshot never overwrites a newer one
    await tx.courseFacts.upsert({
      where: { courseId: course.courseId },
      create: { courseId: course.courseId, ...data },
      update: {},
    });
    await tx.courseFacts.updateMany({ where: { courseId: course.courseId, revision: { lt: course.revision } }, data });
  }

  course(tx: NotificationTx, courseId: string) {
    return tx.courseFacts.findUnique({ where: { courseId } });
  }

  /** The enrollment's latest status; an event older than the one applied changes nothing. */
  async applyLearner(
    tx: NotificationTx,
    fact: { courseId: string; userId: string; status: string; changedAt: Date },
  ): Promise<void> {
    const key = { courseId_userId: { courseId: fact.courseId, userId: fact.userId } };
    const existing = await tx.courseLearner.findUnique({ where: key });
    if (!existing) {
      await tx.courseLearner.create({ data: fact });
    } else if (existing.changedAt <= fact.changedAt) {
      await tx.courseLearner.update({ where: key, data: { status: fact.status, changedAt: fact.changedAt } });
    }
  }

  async activeLearners(tx: NotificationTx, courseId: string): Promise<string[]> {
    const rows = await tx.courseLearner.findMany({ where: { courseId, status: "ACTIVE" }, select: { userId: true } });
    return rows.map((row) => row.userId);
  }

  /** True the first time an item is seen: a new version of a known item is not new content. */
  async firstSight(tx: NotificationTx, contentId: string, courseId: string): Promise<boolean> {
    const created = await tx.knownContent.createMany({ data: [{ contentId, courseId }], skipDuplicates: true });
    return created.count === 1;
  }

  /** Adds a title to each learner's digest of this course for the window [start, end). */
  async addToDigests(
    tx: NotificationTx,
    courseId: string,
    userIds: string[],
    window: { start: Date; end: Date },
    title: string,
  ): Promise<void> {
    for (const userId of userIds) {
      const key = { userId_courseId_windowStart: { userId, courseId, windowStart: window.start } };
      await tx.contentDigest.upsert({
        where: key,
        create: { userId, courseId, windowStart: window.start, windowEnd: window.end, titles: [title] },
        update: { titles: { push: title } },
      });
    }
  }

  async applyAssignment(
    tx: NotificationTx,
    assignment: { assignmentId: string; courseId: string; title: string; dueAt: Date },
  ): Promise<void> {
    await tx.assignmentDue.upsert({
      where: { assignmentId: assignment.assignmentId },
      create: assignment,
      update: { title: assignment.title, dueAt: assignment.dueAt, courseId: assignment.courseId },
    });
  }
}
