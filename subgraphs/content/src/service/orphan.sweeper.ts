import { contentUpdated, type UnitOfWork } from "@campus/events";
import type { FileStore } from "@campus/files";
import type { Logger } from "@campus/logging";
import { BackgroundJob } from "@campus/subgraph";
import type { ContentTx } from "../data/content.prisma";
import type { ContentRepository } from "../data/content.repository";
import { ContentWrites } from "../data/content.writes";
import { contentFacts } from "../events/content.publisher";

const BATCH = 100;

/**
 * Deletes uploads that never completed: a version still PENDING_UPLOAD after
 * the retention goes, with its file (if one was uploaded), and an item left
 * with no version at all goes too. Runs in the background of every replica;
 * each version is re-checked under its item's lock, so two replicas, or a
 * completeUpload at the same moment, never both act on one version.
 */
export class OrphanSweeper {
  private readonly job: BackgroundJob;

  constructor(
    private readonly work: UnitOfWork<ContentTx>,
    private readonly contents: ContentRepository,
    private readonly files: FileStore,
    private readonly options: { retentionMs: number; intervalMs: number },
    private readonly logger: Logger,
  ) {
    this.job = new BackgroundJob({
      name: "orphan upload sweep",
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

  /** One pass; returns how many pending versions it removed. */
  async sweep(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.options.retentionMs);
    let removed = 0;
    for (const pending of await this.contents.pendingBefore(before, BATCH)) {
      const key = await this.work.run(async (tx, emit) => {
        const writes = new ContentWrites(tx);
        const unlocked = await writes.item(pending.contentId);
        if (!unlocked) return undefined;
        // module before item, as addContent and reorderContent take them
        await writes.lockModule(unlocked.moduleId);
        const item = await writes.lockItem(pending.contentId);
        const version = item && (await writes.version(pending.contentId, pending.version));
        if (!item || version?.status !== "PENDING_UPLOAD") return undefined;
        await writes.deleteVersion(item.id, version.version);
        if (!(await writes.latestVersion(item.id))) {
          // never READY, so never published: only the items after it are news
          await writes.deleteItem(item.id);
          for (const shown of await writes.shownVersions(await writes.closeGap(item.moduleId))) {
            emit(contentUpdated, shown.item.id, contentFacts(shown.item, shown.version));
          }
        }
        return version.storageKey;
      });
      if (key === undefined) continue;
      // after the commit: a file without a version is harmless, a version without its file is not
      if (key) await this.files.delete(key);
      removed += 1;
    }
    if (removed > 0) this.logger.info({ removed }, "removed uploads that never completed");
    return removed;
  }
}
