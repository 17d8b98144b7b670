/**
 * A poll loop's pause that ends early when there is news (an outbox commit,
 * a publish). A wake while nobody sleeps is kept, so no news is lost between
 * a poll that found nothing and the next sleep.
 */
export class Wakeup {
  private pending = false;
  private resolve?: () => void;

  wake(): void {
    if (this.resolve) this.resolve();
    else this.pending = true;
  }

  /** `unref`: the pause alone does not keep the process alive (background jobs). */
  sleep(ms: number, unref = false): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.resolve = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (unref) timer.unref();
      this.resolve = done;
    });
  }
}

/** Exponential backoff with full jitter: a random delay up to base·2^(attempt-1), capped. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  return Math.round(random() * Math.min(maxMs, baseMs * 2 ** (attempt - 1)));
}
