import type { Logger } from "@campus/logging";
import type { SeedProgress } from "./seed";

/** "loading demo data: courses 20/60" every few seconds, and at the end of each step. */
export function seedProgressLogger(logger: Logger, everyMs = 1000): SeedProgress {
  let last = 0;
  let announced = false;
  return (step, done, total) => {
    if (!announced) {
      logger.info("loading demo data (first start; an interrupted load resumes where it stopped)");
      announced = true;
    }
    const now = Date.now();
    if (done < total && now - last < everyMs) return;
    last = now;
    logger.info({ step, done, total }, `loading demo data: ${step} ${done}/${total}`);
  };
}
