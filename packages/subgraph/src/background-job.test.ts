import { createLogger } from "@campus/logging";
import { BackgroundJob, RUN_AGAIN } from "./background-job";

const logger = createLogger("test", "silent");
const HOUR = 3_600_000;

async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 500 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!check()) throw new Error(`never: ${what}`);
}

describe("BackgroundJob", () => {
  it("runs a pass at start, then again at once while a pass says more is waiting", async () => {
    let passes = 0;
    const job = new BackgroundJob({
      name: "t",
      everyMs: HOUR,
      logger,
      pass: async () => (++passes < 4 ? RUN_AGAIN : passes),
    });
    job.start();
    await until(() => passes === 4, "four passes");
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(passes).toBe(4); // then it pauses for everyMs
    await job.stop();
  });

  it("runs soon when nudged, also when nudged during a pass", async () => {
    let passes = 0;
    let release!: () => void;
    const job = new BackgroundJob({
      name: "t",
      everyMs: HOUR,
      logger,
      pass: () => {
        passes += 1;
        return passes === 2 ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
      },
    });
    job.start();
    await until(() => passes === 1, "the first pass");
    job.nudge();
    await until(() => passes === 2 && job.busy, "the nudged pass");
    job.nudge(); // while the second pass runs: kept for after it
    release();
    await until(() => passes === 3, "the pass nudged during a pass");
    await job.stop();
  });

  it("backs off while passes fail, logs why, and says when it works again", async () => {
    const warnings: unknown[] = [];
    const watched = { ...logger, warn: (fields: unknown) => warnings.push(fields), info: () => undefined } as never;
    let passes = 0;
    const job = new BackgroundJob({
      name: "t",
      everyMs: 1000,
      maxBackoffMs: 3000,
      logger: watched,
      pass: async () => {
        passes += 1;
        if (passes <= 3) throw new Error(`down ${passes}`);
      },
    });
    job.start();
    for (const attempt of [1, 2, 3]) {
      await until(() => warnings.length === attempt, `failure ${attempt}`);
      job.nudge();
    }
    await until(() => passes === 4, "a pass that works");
    expect(warnings.map((w: any) => [w.err.message, w.retryInMs])).toEqual([
      ["down 1", 2000],
      ["down 2", 3000],
      ["down 3", 3000],
    ]);
    await job.stop();
  });

  it("stop waits for the pass under way and runs no further pass", async () => {
    let passes = 0;
    let finished = false;
    let release!: () => void;
    const job = new BackgroundJob({
      name: "t",
      everyMs: 1,
      logger,
      pass: async () => {
        passes += 1;
        await new Promise<void>((resolve) => (release = resolve));
        finished = true;
      },
    });
    job.start();
    await until(() => job.busy, "a pass");
    const stopping = job.stop();
    let stopped = false;
    void stopping.then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(passes).toBe(1);
  });
});
