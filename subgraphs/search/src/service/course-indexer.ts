import type { Logger } from "@campus/logging";
import { BackgroundJob, RUN_AGAIN } from "@campus/subgraph";
import type { CourseDocument, CourseIndex } from "../engine/course-index";
import type { SearchFactsRepository } from "../data/search-facts.repository";
import { courseDocument } from "./course-document";

export interface CourseIndexerOptions {
  pollMs: number;
  batch: number;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * Writes the documents of changed courses to the index: the consumers only
 * mark a course changed (in their transaction), this loop builds its
 * document from the facts and writes it, then marks it written at the
 * sequence it read. Every replica runs one; two writing the same course is
 * harmless (the index keeps the highest version). While the engine is down
 * the marks stay and the loop retries with backoff: nothing is lost.
 */
export class CourseIndexer {
  private readonly job: BackgroundJob;
  /** Documents written since start (health, tests). */
  written = 0;

  constructor(
    private readonly facts: SearchFactsRepository,
    private readonly index: CourseIndex,
    private readonly options: CourseIndexerOptions,
    logger: Logger,
  ) {
    // while the engine is down the job backs off; the changes stay marked
    this.job = new BackgroundJob({
      name: "search indexer",
      everyMs: options.pollMs,
      maxBackoffMs: MAX_BACKOFF_MS,
      // a full batch means more is waiting: go on at once
      pass: async () => ((await this.writeBatch()) === options.batch ? RUN_AGAIN : undefined),
      logger,
    });
  }

  start(): void {
    this.job.start();
  }

  stop(): Promise<void> {
    return this.job.stop();
  }

  /** Writes everything marked so far; resolves when nothing is left (tests, the reindex). */
  async drain(): Promise<void> {
    while ((await this.writeBatch()) > 0);
  }

  /** Resolves once every marked change is in the index and no write is under way (tests compare state after it). */
  async settled(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.job.busy || (await this.facts.backlog()) > 0) {
      if (Date.now() > deadline) throw new Error(`the search index did not settle in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Builds the documents of these courses from the facts, at this version. */
  async documents(courseIds: string[], versionOf: (courseId: string) => number): Promise<CourseDocument[]> {
    const { courses, articles, names } = await this.facts.factsOf(courseIds);
    return courses.map((course) =>
      courseDocument(
        course,
        articles.filter((article) => article.courseId === course.courseId),
        names.get(course.instructorId) ?? null,
        versionOf(course.courseId),
      ),
    );
  }

  private async writeBatch(): Promise<number> {
    const pending = await this.facts.pending(this.options.batch);
    if (pending.length === 0) return 0;
    const version = new Map(pending.map((entry) => [entry.courseId, Number(entry.sequence)]));
    // a course with no facts yet (an article before its course) is written once the course arrives
    await this.index.write(await this.documents([...version.keys()], (id) => version.get(id)!));
    await this.facts.markWritten(pending);
    this.written += pending.length;
    return pending.length;
  }
}
