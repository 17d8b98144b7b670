import type { Logger } from "@campus/logging";
import { BackgroundJob } from "@campus/subgraph";
import type { FactsRepository } from "../data/facts.repository";
import type { NotificationPrisma, NotificationTx } from "../data/notification.prisma";
import { NotificationKind } from "./kinds";
import type { Notifier } from "./notifier";

export interface SchedulerOptions {
  pollMs: number;
  reminderLeadMs: number;
  /** How long an email waits for its user's address before it is dropped (Notifier.dropUnaddressed). */
  addressWaitMs: number;
  batch?: number;
  now?: () => Date;
}

interface DigestRow {
  userId: string;
  courseId: string;
  windowStart: Date;
  titles: string[];
}

interface DueRow {
  assignmentId: string;
  courseId: string;
  title: string;
  dueAt: Date;
}

/**
 * The notices no single event makes: a digest once its window has ended, and
 * the reminders of an assignment coming due. It also drops the emails that
 * waited too long for an address. Every replica runs one; each
 * claims its rows (FOR UPDATE SKIP LOCKED, then marks them) in the same
 * transaction as the notices they make, so two replicas never tell the same
 * thing twice and a crash in between tells it once, later (the claim rolls
 * back with the notices). The notices' unique keys hold even if that failed.
 */
export class NotificationScheduler {
  private readonly job: BackgroundJob;

  constructor(
    private readonly prisma: NotificationPrisma,
    private readonly facts: FactsRepository,
    private readonly notifier: Notifier,
    private readonly options: SchedulerOptions,
    logger: Logger,
  ) {
    this.job = new BackgroundJob({
      name: "notification scheduler",
      everyMs: options.pollMs,
      pass: () => this.runOnce(),
      logger,
    });
  }

  start(): void {
    this.job.start();
  }

  stop(): Promise<void> {
    return this.job.stop();
  }

  /** Resolves once no run is under way (tests settle on it). */
  settled(): Promise<void> {
    return this.job.idle();
  }

  /** One pass: every ended digest and every assignment within the lead, in batches; then expired waits. */
  async runOnce(): Promise<{ digests: number; reminders: number; dropped: number }> {
    let digests = 0;
    let reminders = 0;
    for (let n; (n = await this.digests()) > 0;) digests += n;
    for (let n; (n = await this.reminders()) > 0;) reminders += n;
    const expired = new Date(this.now().getTime() - this.options.addressWaitMs);
    const dropped = await this.prisma.$transaction((tx) => this.notifier.dropUnaddressed(tx, expired));
    return { digests, reminders, dropped };
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private async digests(): Promise<number> {
    const now = this.now();
    const batch = this.options.batch ?? 100;
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<DigestRow[]>`
        UPDATE "notification"."ContentDigest" SET "sentAt" = ${now}
        WHERE ("userId", "courseId", "windowStart") IN (
          SELECT "userId", "courseId", "windowStart" FROM "notification"."ContentDigest"
          WHERE "sentAt" IS NULL AND "windowEnd" <= ${now}
          ORDER BY "windowEnd" LIMIT ${batch} FOR UPDATE SKIP LOCKED)
        RETURNING "userId", "courseId", "windowStart", "titles"`;
      for (const row of rows) {
        const course = await this.facts.course(tx, row.courseId);
        await this.notifier.notify(tx, {
          userId: row.userId,
          kind: NotificationKind.CONTENT_ADDED,
          sourceId: `${row.courseId}@${row.windowStart.toISOString()}`,
          facts: {
            course: course?.title ?? "",
            courseId: row.courseId,
            count: row.titles.length,
            titles: row.titles.join(", "),
          },
        });
      }
      return rows.length;
    });
  }

  private async reminders(): Promise<number> {
    const now = this.now();
    const horizon = new Date(now.getTime() + this.options.reminderLeadMs);
    const batch = this.options.batch ?? 100;
    return this.prisma.$transaction(async (tx: NotificationTx) => {
      // an assignment already past due when learned is claimed too, and told to nobody
      const rows = await tx.$queryRaw<DueRow[]>`
        UPDATE "notification"."AssignmentDue" SET "remindedAt" = ${now}
        WHERE "assignmentId" IN (
          SELECT "assignmentId" FROM "notification"."AssignmentDue"
          WHERE "remindedAt" IS NULL AND "dueAt" <= ${horizon}
          ORDER BY "dueAt" LIMIT ${batch} FOR UPDATE SKIP LOCKED)
        RETURNING "assignmentId", "courseId", "title", "dueAt"`;
      for (const row of rows) {
        if (row.dueAt <= now) continue;
        const course = await this.facts.course(tx, row.courseId);
        for (const userId of await this.facts.activeLearners(tx, row.courseId)) {
          await this.notifier.notify(tx, {
            userId,
            kind: NotificationKind.ASSIGNMENT_DUE_SOON,
            sourceId: row.assignmentId,
            facts: {
              assignment: row.title,
              assignmentId: row.assignmentId,
              course: course?.title ?? "",
              courseId: row.courseId,
              dueAt: `${row.dueAt.toISOString().slice(0, 16).replace("T", " ")} UTC`,
            },
          });
        }
      }
      return rows.length;
    });
  }
}
