import { randomUUID } from "node:crypto";
import { TRANSACTION_OPTIONS } from "@campus/database";
import { conflict } from "@campus/errors";
import type { SharedStore } from "@campus/kv";
import type { Logger } from "@campus/logging";
import type { CourseIndex } from "../engine/course-index";
import type { SearchFactsRepository } from "../data/search-facts.repository";
import type { SearchPrisma } from "../data/search.prisma";
import type { CourseIndexer } from "./course-indexer";
import type { CourseSources } from "./course-sources";

export type ReindexState = "RUNNING" | "SUCCEEDED" | "FAILED";

export interface ReindexStatus {
  id: string;
  state: ReindexState;
  startedAt: string;
  finishedAt: string | null;
  /** Published courses read from catalog so far. */
  coursesRead: number;
  /** Documents written to the new index so far. */
  documentsWritten: number;
  /** Why it failed (the live index kept serving). */
  error: string | null;
}

const STATUS_KEY = "search:reindex:status";
const LEASE_KEY = "search:reindex:lease";
/** A replica that died mid-rebuild frees the lease after this; refreshed after every batch. */
const LEASE_MS = 60_000;
const STATUS_TTL_MS = 7 * 24 * 3_600_000;

/**
 * `pnpm search:reindex` / `rebuildSearchIndex`: reloads search's facts from
 * the subgraphs that own them (catalog, content, identity, over their APIs),
 * then fills a new index beside the live one, in batches, while the live one
 * keeps serving; catches up with what changed meanwhile and swaps at the end
 * (an alias swap on OpenSearch). One rebuild at a time across replicas.
 */
export class SearchReindexService {
  constructor(
    private readonly prisma: SearchPrisma,
    private readonly facts: SearchFactsRepository,
    private readonly sources: CourseSources,
    private readonly index: CourseIndex,
    private readonly indexer: CourseIndexer,
    private readonly store: SharedStore,
    private readonly options: { batch: number },
    private readonly logger: Logger,
  ) {}

  async status(): Promise<ReindexStatus | null> {
    const raw = await this.store.get(STATUS_KEY);
    return raw ? (JSON.parse(raw) as ReindexStatus) : null;
  }

  /** Starts a rebuild in the background and answers at once; CONFLICT while one runs. */
  async start(): Promise<ReindexStatus> {
    const id = randomUUID();
    if (!(await this.store.setIfAbsent(LEASE_KEY, id, LEASE_MS))) {
      throw conflict("A search index rebuild is already running; follow it with searchIndexStatus");
    }
    const status: ReindexStatus = {
      id,
      state: "RUNNING",
      startedAt: new Date().toISOString(),
      finishedAt: null,
      coursesRead: 0,
      documentsWritten: 0,
      error: null,
    };
    await this.save(status);
    this.running = this.run(status).finally(() => (this.running = undefined));
    return status;
  }

  /** Resolves when this replica's rebuild (if any) has finished (tests, shutdown). */
  async settled(): Promise<void> {
    await this.running;
  }

  private running?: Promise<void>;

  private async run(status: ReindexStatus): Promise<void> {
    const started = Date.now();
    const progress = async (change: Partial<ReindexStatus>) => {
      Object.assign(status, change);
      await this.save(status);
      if (!(await this.store.compareAndSet(LEASE_KEY, status.id, status.id, LEASE_MS))) {
        throw new Error("lost the rebuild lease (another replica took over after a long pause)");
      }
    };
    try {
      await this.reloadFacts(progress);
      const since = await this.facts.currentSequence();
      const rebuild = await this.index.startRebuild();
      try {
        let after: string | null = null;
        for (;;) {
          const ids = await this.facts.courseIdsAfter(after, this.options.batch);
          if (ids.length === 0) break;
          // built after reading `since`: at least as new as every change up to it
          const documents = (await this.indexer.documents(ids, () => since)).filter((doc) => doc.visible);
          await rebuild.write(documents);
          await progress({ documentsWritten: status.documentsWritten + documents.length });
          after = ids.at(-1)!;
        }
        const caughtUp = await this.catchUp(since, (docs) => rebuild.write(docs));
        await rebuild.activate();
        // written to the old index only, perhaps: write them again to the one now live
        await this.facts.queue(this.prisma, await this.facts.changedSince(since));
        this.logger.info(
          { documents: status.documentsWritten, caughtUp, ms: Date.now() - started },
          "search index rebuilt and swapped",
        );
      } catch (error) {
        await rebuild.abandon().catch(() => undefined);
        throw error;
      }
      await progress({ state: "SUCCEEDED", finishedAt: new Date().toISOString() });
    } catch (error) {
      this.logger.error({ err: error }, "search index rebuild failed; the live index is unchanged");
      Object.assign(status, { state: "FAILED", finishedAt: new Date().toISOString(), error: (error as Error).message });
      await this.save(status).catch(() => undefined);
    } finally {
      await this.store.del(LEASE_KEY).catch(() => undefined);
    }
  }

  /**
   * Catalog's published courses, their articles and their instructors' names
   * into the facts. A course the facts hold as published but catalog no
   * longer lists gets catalog's current status. A course's facts are replaced
   * only when catalog changed it after search last applied one of its events
   * (a missed event, or facts lost); a reloaded course keeps its revision, so
   * the next event still applies.
   */
  private async reloadFacts(progress: (change: Partial<ReindexStatus>) => Promise<void>): Promise<void> {
    const listed = new Set<string>();
    for await (const page of this.sources.publishedCourses()) {
      const held = new Map(
        (
          await this.prisma.courseFacts.findMany({
            where: { courseId: { in: page.map((course) => course.courseId) } },
            select: { courseId: true, updatedAt: true },
          })
        ).map((row) => [row.courseId, row]),
      );
      const [names, articles] = await Promise.all([
        this.sources.names([...new Set(page.map((course) => course.instructor.id))]),
        this.sources.articles(
          page.map((course) => ({ courseId: course.courseId, moduleIds: (course.modules ?? []).map((m) => m.id) })),
        ),
      ]);
      await this.prisma.$transaction(async (tx) => {
        for (const course of page) {
          listed.add(course.courseId);
          const mine = held.get(course.courseId);
          // catalog changed it after search last applied an event for it: a missed event, or lost facts
          if (!mine || new Date(course.updatedAt) > mine.updatedAt) {
            await this.facts.reloadCourse(tx, { ...course, instructorId: course.instructor.id });
          }
        }
        for (const article of articles) await this.facts.applyArticle(tx, article);
        for (const [userId, name] of names) await this.facts.applyName(tx, userId, name, new Date());
      }, TRANSACTION_OPTIONS);
      await progress({ coursesRead: listed.size });
    }
    // published here but not in catalog's list: unpublished or archived meanwhile
    const claimed = await this.prisma.courseFacts.findMany({
      where: { status: "PUBLISHED" },
      select: { courseId: true },
    });
    const missing = claimed.map((row) => row.courseId).filter((id) => !listed.has(id));
    for (let i = 0; i < missing.length; i += 100) {
      const statuses = await this.sources.courseStatus(missing.slice(i, i + 100));
      await this.prisma.$transaction(async (tx) => {
        for (const [courseId, status] of statuses) {
          await tx.courseFacts.update({ where: { courseId }, data: { status: status ?? "ARCHIVED" } });
          await this.facts.queue(tx, [courseId]);
        }
      });
    }
  }

  /** Writes the documents of courses changed since `since` to the new index, at their own versions. */
  private async catchUp(
    since: number,
    write: (docs: Awaited<ReturnType<CourseIndexer["documents"]>>) => Promise<void>,
  ) {
    const changed = await this.facts.changedSince(since);
    const entries = await this.prisma.courseIndexEntry.findMany({ where: { courseId: { in: changed } } });
    const version = new Map(entries.map((entry) => [entry.courseId, Number(entry.sequence)]));
    for (let i = 0; i < changed.length; i += this.options.batch) {
      await write(
        await this.indexer.documents(changed.slice(i, i + this.options.batch), (id) => version.get(id) ?? since),
      );
    }
    return changed.length;
  }

  private save(status: ReindexStatus): Promise<void> {
    return this.store.set(STATUS_KEY, JSON.stringify(status), STATUS_TTL_MS);
  }
}
