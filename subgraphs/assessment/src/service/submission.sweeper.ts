import type { UnitOfWork } from "@campus/events";
import type { FileStore } from "@campus/files";
import type { Logger } from "@campus/logging";
import { BackgroundJob } from "@campus/subgraph";
import type { Keyset } from "@campus/subgraph";
import type { AssessmentTx } from "../data/assessment.prisma";
import type { CourseLearnerRepository } from "../data/course-learner.repository";
import type { SubmissionRepository } from "../data/submission.repository";
import { SubmissionWrites } from "../data/submission.writes";
import { FILE_PREFIX, submissionIdOfKey } from "./submission.service";

const BATCH = 100;

export interface SweepResult {
  /** PENDING_UPLOAD submissions deleted, with their files. */
  submissions: number;
  /** Stored files under the submissions' prefix that no submission names any more. */
  strayFiles: number;
}

/**
 * Deletes FILE submissions whose upload never completed: one still
 * PENDING_UPLOAD `retentionMs` after its upload was last asked for goes, with
 * its stored file. It was never an attempt, so no attempt number changes and
 * the learner may submit again. Then files under the prefix older than the
 * retention that no submission names (a crash between the commit and the
 * delete, an upload after the sweep) go too.
 *
 * Runs in the background of every replica. Each submission is re-checked
 * under its learner's row of the course and then its own row, the locks
 * submitAssignment and completeSubmissionUpload take in that order, so a
 * completion at the same moment and the sweep never both win.
 */
export class SubmissionSweeper {
  private readonly job: BackgroundJob;

  constructor(
    private readonly work: UnitOfWork<AssessmentTx>,
    private readonly submissions: SubmissionRepository,
    private readonly learners: CourseLearnerRepository,
    private readonly files: FileStore,
    private readonly options: { retentionMs: number; intervalMs: number },
    private readonly logger: Logger,
  ) {
    this.job = new BackgroundJob({
      name: "submission sweep",
      everyMs: options.intervalMs,
      firstAfterMs: options.intervalMs,
      pass: () => this.sweep(),
      logger,
    });
  }

  start(): void {
    this.job.start();
  }

  stop(): Promise<void> {
    return this.job.stop();
  }

  /** One pass as of `now`. */
  async sweep(now = new Date()): Promise<SweepResult> {
    const before = new Date(now.getTime() - this.options.retentionMs);
    const result = { submissions: await this.removePending(before), strayFiles: await this.removeStrayFiles(before) };
    if (result.submissions + result.strayFiles > 0) {
      this.logger.info(result, "removed FILE submissions whose upload never completed");
    }
    return result;
  }

  private async removePending(before: Date): Promise<number> {
    let removed = 0;
    let after: Keyset | undefined;
    for (;;) {
      const batch = await this.submissions.pendingBefore(before, BATCH, after);
      for (const found of batch) {
        const key = await this.work.run(async (tx) => {
          // whether or not the learner still takes part: only the lock matters here
          await this.learners.lockTakingPart(tx, found.learnerId, found.courseId);
          const writes = new SubmissionWrites(tx);
          const pending = await writes.lock(found.id);
          // completed, or asked for again (renewed) since it was read: it stays
          if (pending?.status !== "PENDING_UPLOAD" || pending.createdAt >= before) return undefined;
          await writes.delete(pending.id);
          return pending.fileKey;
        });
        if (key === undefined) continue;
        // after the commit: a file without a submission is swept later, a submission without its file is not
        if (key) await this.files.delete(key);
        removed += 1;
      }
      if (batch.length < BATCH) return removed;
      const last = batch[batch.length - 1]!;
      after = { at: last.createdAt, id: last.id };
    }
  }

  private async removeStrayFiles(before: Date): Promise<number> {
    const keys = (await this.files.listOlderThan(FILE_PREFIX, before)).flatMap((key) => {
      const id = submissionIdOfKey(key);
      // a key fileKeyOf did not make is not the sweep's to judge
      return id ? [{ key, id }] : [];
    });
    let removed = 0;
    for (let start = 0; start < keys.length; start += BATCH) {
      const chunk = keys.slice(start, start + BATCH);
      // a key is set with its row, before any upload URL: a file no row names has lost its submission
      const named = await this.submissions.fileKeysOf(chunk.map((entry) => entry.id));
      for (const { key } of chunk) {
        if (named.has(key)) continue;
        await this.files.delete(key);
        removed += 1;
      }
    }
    return removed;
  }
}
