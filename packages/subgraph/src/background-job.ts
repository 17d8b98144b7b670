import { Wakeup } from "@campus/events";
import type { Logger } from "@campus/logging";

/** A pass's answer when more is waiting than one pass takes. */
export const RUN_AGAIN = Symbol("run again");

export interface BackgroundJobOptions {
  /** Names the job in its log lines. */
  name: string;
  /** The pause between passes. */
  everyMs: number;
  /** The pause before the first pass (default: none). */
  firstAfterMs?: number;
  /** A failed pass waits everyMs·2^failures, up to this (default 5 minutes). */
  maxBackoffMs?: number;
  /** One pass; it returns RUN_AGAIN when more is waiting (a full batch): the next pass then starts at once. */
  pass: () => Promise<unknown>;
  logger: Logger;
}

/**
 * The loop behind every subgraph's background work (sweepers, senders,
 * schedulers, indexers, reconcilers): one pass at a time, a pause between
 * passes, backoff while passes fail, `nudge` to run soon, and a `stop` that
 * waits for the pass under way. What a pass does, and how replicas keep out
 * of each other's way (row claims, leases), is the caller's.
 */
export class BackgroundJob {
  private readonly wakeup = new Wakeup();
  private loop?: Promise<void>;
  private pass?: Promise<unknown>;
  private stopped = true;
  private failures = 0;

  constructor(private readonly options: BackgroundJobOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeup.wake();
    await this.loop;
  }

  /** Ends the current pause: the next pass starts now (or right after the one under way). */
  nudge(): void {
    this.wakeup.wake();
  }

  /** Whether a pass is under way. */
  get busy(): boolean {
    return this.pass !== undefined;
  }

  /** Resolves once no pass is under way. */
  async idle(): Promise<void> {
    while (this.pass) await this.pass.catch(() => undefined);
  }

  private async run(): Promise<void> {
    const { everyMs, logger, name } = this.options;
    if (this.options.firstAfterMs) await this.wakeup.sleep(this.options.firstAfterMs, true);
    while (!this.stopped) {
      let pause = everyMs;
      try {
        this.pass = this.options.pass();
        if ((await this.pass) === RUN_AGAIN) pause = 0;
        if (this.failures > 0) logger.info({ job: name, after: this.failures }, `${name} works again`);
        this.failures = 0;
      } catch (error) {
        this.failures += 1;
        pause = Math.min(this.options.maxBackoffMs ?? 300_000, everyMs * 2 ** this.failures);
        logger.warn({ err: error, job: name, retryInMs: pause }, `${name} failed; retrying`);
      } finally {
        this.pass = undefined;
      }
      if (!this.stopped) await this.wakeup.sleep(pause, true);
    }
  }
}
