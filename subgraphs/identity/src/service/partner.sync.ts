import type { PartnerDirectory } from "@campus/auth";
import type { Logger } from "@campus/logging";
import { BackgroundJob } from "@campus/subgraph";
import type { PartnerRepository } from "../data/partner.repository";
import { partnerRecord, type PartnerService } from "./partner.service";

/**
 * Keeps the SharedStore and identity's database agreeing, from identity's side:
 *
 * - republishes every partner's records (and its current safelist when the
 *   store lacks it), so a write lost after a commit, or a flushed Redis,
 *   heals within one interval;
 * - folds the router's usage counters of today and yesterday into
 *   `PartnerUsage` (an upsert that never lowers a count, so every replica may
 *   run it and a repeated fold changes nothing), and `lastUsedAt`.
 *
 * Runs at start and every `intervalMs` on every identity replica.
 */
export class PartnerSync {
  private readonly job: BackgroundJob;

  constructor(
    private readonly partners: PartnerRepository,
    private readonly service: PartnerService,
    private readonly directory: PartnerDirectory,
    intervalMs: number,
    logger: Logger,
  ) {
    // the first pass runs before identity serves (identity.subgraph.ts)
    this.job = new BackgroundJob({
      name: "partner sync",
      everyMs: intervalMs,
      firstAfterMs: intervalMs,
      pass: () => this.run(),
      logger,
    });
  }

  start(): void {
    this.job.start();
  }

  stop(): Promise<void> {
    return this.job.stop();
  }

  /** One pass. */
  async run(now = Date.now()): Promise<void> {
    for (const partner of await this.partners.all()) {
      const record = partnerRecord(partner);
      if (record.operationsVersion > 0 && !(await this.directory.hasOperations(partner.id, record.operationsVersion))) {
        await this.directory.publishOperations(
          partner.id,
          record.operationsVersion,
          await this.partners.operations(partner.id),
        );
      }
      await this.directory.publishPartner(record, this.service.liveKeys(partner));
      for (const day of this.service.liveDays(now)) {
        const counts = await this.directory.usage(partner.id, day);
        if (counts.length > 0) await this.partners.foldUsage(partner.id, day, counts);
      }
      const lastUsed = await this.directory.lastUsedAt(partner.id);
      if (lastUsed) await this.partners.foldLastUsed(partner.id, lastUsed);
    }
  }
}
