import { Prisma, type SearchPrisma, type SearchTx } from "./search.prisma";
import type { ArticleFactsRow, CourseFactsRow } from "./search.prisma";

/** A course as catalog describes it in its events and in `courses` (the reindex). */
export interface CourseFactsInput {
  courseId: string;
  revision: number;
  status: string;
  title: string;
  slug: string;
  description?: string;
  level?: string;
  language?: string;
  category?: { id: string; name: string } | null;
  price: { amount: number; currency: string };
  instructorId: string;
  modules?: { id: string; title: string }[];
  publishedAt?: string | null;
}

export interface ArticleFactsInput {
  contentId: string;
  courseId: string;
  moduleId: string;
  title: string;
  body: string;
  version: number;
}

export interface PendingWrite {
  courseId: string;
  sequence: bigint;
}

/**
 * Search's copy of the facts (CourseFacts, ArticleFacts, PersonName) and
 * where each course's document stands (CourseIndexEntry). Every change that
 * alters what a course is found by marks the course in the same transaction,
 * so no change is applied without its index write.
 */
export class SearchFactsRepository {
  constructor(private readonly prisma: SearchPrisma) {}

  /** Applies a course snapshot unless a newer revision is already held; true when applied. */
  async applyCourse(tx: SearchTx, input: CourseFactsInput): Promise<boolean> {
    const held = await tx.courseFacts.findUnique({ where: { courseId: input.courseId } });
    if (held && held.revision >= input.revision) return false;
    await this.writeCourse(tx, input, held);
    return true;
  }

  /**
   * The reindex's copy from catalog's API, which has no revision: it replaces
   * the held facts and keeps their revision, so the next event still applies.
   */
  async reloadCourse(tx: SearchTx, input: Omit<CourseFactsInput, "revision">): Promise<void> {
    const held = await tx.courseFacts.findUnique({ where: { courseId: input.courseId } });
    await this.writeCourse(tx, { ...input, revision: held?.revision ?? 0 }, held);
  }

  private async writeCourse(tx: SearchTx, input: CourseFactsInput, held: CourseFactsRow | null): Promise<void> {
    // events older than the fields keep what is known (or a neutral value) until the next full snapshot
    const data = {
      revision: input.revision,
      status: input.status,
      title: input.title,
      slug: input.slug,
      description: input.description ?? held?.description ?? "",
      level: input.level ?? held?.level ?? "BEGINNER",
      language: input.language ?? held?.language ?? "en",
      categoryId: input.category === undefined ? (held?.categoryId ?? null) : (input.category?.id ?? null),
      categoryName: input.category === undefined ? (held?.categoryName ?? null) : (input.category?.name ?? null),
      priceAmount: input.price.amount,
      priceCurrency: input.price.currency,
      instructorId: input.instructorId,
      modules: (input.modules ?? (held?.modules as CourseFactsInput["modules"]) ?? []) as Prisma.InputJsonValue,
      publishedAt:
        input.publishedAt === undefined
          ? (held?.publishedAt ?? null)
          : input.publishedAt === null
            ? null
            : new Date(input.publishedAt),
    };
    await tx.courseFacts.upsert({
      where: { courseId: input.courseId },
      create: { courseId: input.courseId, ...data },
      update: data,
    });
    await this.queue(tx, [input.courseId]);
  }

  /** Applies an article's current version unless a newer one is held. */
  async applyArticle(tx: SearchTx, input: ArticleFactsInput): Promise<boolean> {
    const held = await tx.articleFacts.findUnique({ where: { contentId: input.contentId } });
    if (held && held.version > input.version) return false;
    if (held && held.version === input.version && held.moduleId === input.moduleId && held.title === input.title)
      return false;
    const { contentId, ...data } = input;
    await tx.articleFacts.upsert({ where: { contentId }, create: input, update: data });
    await this.queue(tx, [input.courseId]);
    return true;
  }

  /** Records a person's name unless a later one is held; queues the courses they teach when it changed. */
  async applyName(tx: SearchTx, userId: string, name: string, changedAt: Date): Promise<boolean> {
    const held = await tx.personName.findUnique({ where: { userId } });
    if (held && held.changedAt > changedAt) return false;
    if (held?.name === name) return false;
    await tx.personName.upsert({ where: { userId }, create: { userId, name, changedAt }, update: { name, changedAt } });
    const taught = await tx.courseFacts.findMany({ where: { instructorId: userId }, select: { courseId: true } });
    await this.queue(
      tx,
      taught.map((course) => course.courseId),
    );
    return true;
  }

  /**
   * Marks courses changed: each gets the next sequence number and waits for
   * the indexer. The indexer marks a course written only at the number it
   * read, so a change made while it wrote is written again.
   */
  async queue(tx: SearchTx | SearchPrisma, courseIds: string[]): Promise<void> {
    if (courseIds.length === 0) return;
    await tx.$executeRaw`
      INSERT INTO "search"."CourseIndexEntry" ("courseId")
      SELECT id FROM unnest(${courseIds}::uuid[]) AS id
      ON CONFLICT ("courseId") DO UPDATE
      SET "sequence" = nextval(pg_get_serial_sequence('"search"."CourseIndexEntry"', 'sequence')),
          "written" = false, "changedAt" = now()`;
  }

  /** The courses waiting longest for their document. */
  pending(limit: number): Promise<PendingWrite[]> {
    return this.prisma.courseIndexEntry.findMany({
      where: { written: false },
      orderBy: { sequence: "asc" },
      take: limit,
      select: { courseId: true, sequence: true },
    });
  }

  /** Marks documents written, unless their course changed again meanwhile. */
  async markWritten(written: PendingWrite[]): Promise<void> {
    if (written.length === 0) return;
    await this.prisma.courseIndexEntry.updateMany({
      where: { OR: written.map((write) => ({ courseId: write.courseId, sequence: write.sequence })) },
      data: { written: true },
    });
  }

  /** How many courses wait for the indexer (health, tests). */
  backlog(): Promise<number> {
    return this.prisma.courseIndexEntry.count({ where: { written: false } });
  }

  /** The last sequence number handed out: documents built after reading it are at least that new. */
  async currentSequence(): Promise<number> {
    const [row] = await this.prisma.$queryRaw<{ value: bigint | null }[]>`
      SELECT max("sequence") AS value FROM "search"."CourseIndexEntry"`;
    return Number(row?.value ?? 0);
  }

  /** Everything the documents of these courses are built from. */
  async factsOf(courseIds: string[]): Promise<{
    courses: CourseFactsRow[];
    articles: ArticleFactsRow[];
    names: Map<string, string>;
  }> {
    const [courses, articles] = await Promise.all([
      this.prisma.courseFacts.findMany({ where: { courseId: { in: courseIds } } }),
      this.prisma.articleFacts.findMany({ where: { courseId: { in: courseIds } } }),
    ]);
    const people = await this.prisma.personName.findMany({
      where: { userId: { in: [...new Set(courses.map((course) => course.instructorId))] } },
    });
    return { courses, articles, names: new Map(people.map((person) => [person.userId, person.name])) };
  }

  /** Course ids in id order after `after`, for the reindex's batches. */
  async courseIdsAfter(after: string | null, limit: number): Promise<string[]> {
    const rows = await this.prisma.courseFacts.findMany({
      where: after ? { courseId: { gt: after } } : {},
      orderBy: { courseId: "asc" },
      take: limit,
      select: { courseId: true },
    });
    return rows.map((row) => row.courseId);
  }

  /** Courses written since `sequence` (the reindex catches up with them before and after the swap). */
  async changedSince(sequence: number): Promise<string[]> {
    const rows = await this.prisma.courseIndexEntry.findMany({
      where: { sequence: { gt: BigInt(sequence) } },
      select: { courseId: true },
    });
    return rows.map((row) => row.courseId);
  }
}
