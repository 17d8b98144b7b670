import type { ContentItemRow, ContentKind, ContentTx, ContentVersionRow } from "./content.prisma";

/** An item learners can see, with the version they see (its body loaded for articles only). */
export interface ShownVersion {
  item: ContentItemRow;
  version: Pick<ContentVersionRow, "version" | "body">;
}

export interface NewVersion {
  status: "PENDING_UPLOAD" | "READY";
  storageKey?: string;
  fileName?: string;
  contentType?: string;
  sizeBytes?: number;
  body?: string;
}

/** The statements content's writes run inside their transaction (ContentService decides, this executes). */
export class ContentWrites {
  constructor(private readonly tx: ContentTx) {}

  /** Adds and reorders in one module take turns, so positions stay 1..n. */
  async lockModule(moduleId: string): Promise<void> {
    await this.tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`content-module:${moduleId}`}, 0))`;
  }

  /** One learner's completions in one module take turns, so the last of them sees the module complete. */
  async lockLearnerModule(userId: string, moduleId: string): Promise<void> {
    await this.tx
      .$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`content-learner:${userId}:${moduleId}`}, 0))`;
  }

  /** The item, locked until commit: versions of one item are added and completed one at a time. */
  async lockItem(id: string): Promise<ContentItemRow | null> {
    await this.tx.$queryRaw`SELECT 1 FROM "content"."ContentItem" WHERE "id" = ${id}::uuid FOR UPDATE`;
    return this.tx.contentItem.findUnique({ where: { id } });
  }

  /** Unlocked: for what never changes (its module), to take the locks in order. */
  item(id: string): Promise<ContentItemRow | null> {
    return this.tx.contentItem.findUnique({ where: { id } });
  }

  itemsOfModule(moduleId: string): Promise<ContentItemRow[]> {
    return this.tx.contentItem.findMany({ where: { moduleId }, orderBy: { position: "asc" } });
  }

  createItem(item: {
    id: string;
    moduleId: string;
    courseId: string;
    kind: ContentKind;
    title: string;
    position: number;
    currentVersion: number | null;
  }): Promise<ContentItemRow> {
    return this.tx.contentItem.create({ data: { ...item, lastVersion: 1 } });
  }

  createVersion(contentId: string, version: number, data: NewVersion): Promise<ContentVersionRow> {
    return this.tx.contentVersion.create({
      data: {
        contentId,
        version,
        status: data.status,
        storageKey: data.storageKey ?? null,
        fileName: data.fileName ?? null,
        contentType: data.contentType ?? null,
        sizeBytes: data.sizeBytes === undefined ? null : BigInt(data.sizeBytes),
        body: data.body ?? null,
        readyAt: data.status === "READY" ? new Date() : null,
      },
    });
  }

  version(contentId: string, version: number): Promise<ContentVersionRow | null> {
    return this.tx.contentVersion.findUnique({ where: { contentId_version: { contentId, version } } });
  }

  /** The newest version still there (the sweep may have taken pending ones). */
  latestVersion(contentId: string): Promise<ContentVersionRow | null> {
    return this.tx.contentVersion.findFirst({ where: { contentId }, orderBy: { version: "desc" } });
  }

  /**
   * The items of `items` learners can see (those with a current version),
   * each with that version: one statement for the articles' bodies, none when
   * no article is among them.
   */
  async shownVersions(items: ContentItemRow[]): Promise<ShownVersion[]> {
    const visible = items.filter((item) => item.currentVersion !== null);
    const articles = visible.filter((item) => item.kind === "ARTICLE");
    const rows =
      articles.length === 0
        ? []
        : await this.tx.contentVersion.findMany({
            where: { OR: articles.map((item) => ({ contentId: item.id, version: item.currentVersion! })) },
            select: { contentId: true, version: true, body: true },
          });
    const bodies = new Map(rows.map((row) => [row.contentId, row.body]));
    return visible.map((item) => ({
      item,
      version: { version: item.currentVersion!, body: bodies.get(item.id) ?? null },
    }));
  }

  markReady(contentId: string, version: number, sizeBytes: number): Promise<ContentVersionRow> {
    return this.tx.contentVersion.update({
      where: { contentId_version: { contentId, version } },
      data: { status: "READY", sizeBytes: BigInt(sizeBytes), readyAt: new Date() },
    });
  }

  updateItem(
    id: string,
    data: { currentVersion?: number; lastVersion?: number; position?: number },
  ): Promise<ContentItemRow> {
    return this.tx.contentItem.update({ where: { id }, data });
  }

  deleteVersion(contentId: string, version: number): Promise<unknown> {
    return this.tx.contentVersion.delete({ where: { contentId_version: { contentId, version } } });
  }

  deleteItem(id: string): Promise<unknown> {
    return this.tx.contentItem.delete({ where: { id } });
  }

  /** Renumbers the module's remaining items 1..n after one left it; returns those that moved. */
  async closeGap(moduleId: string): Promise<ContentItemRow[]> {
    const moved: ContentItemRow[] = [];
    for (const [index, item] of (await this.itemsOfModule(moduleId)).entries()) {
      if (item.position !== index + 1) moved.push(await this.updateItem(item.id, { position: index + 1 }));
    }
    return moved;
  }

  /** Records the completion; false when it was already there. */
  async complete(fact: { userId: string; contentId: string; moduleId: string; courseId: string }): Promise<boolean> {
    const { count } = await this.tx.completion.createMany({ data: [fact], skipDuplicates: true });
    return count === 1;
  }

  /** How many of the module's READY items the learner has not completed. */
  async readyLeftInModule(userId: string, moduleId: string): Promise<number> {
    const ready = await this.tx.contentItem.findMany({
      where: { moduleId, currentVersion: { not: null } },
      select: { id: true },
    });
    const done = await this.tx.completion.count({
      where: { userId, contentId: { in: ready.map((item) => item.id) } },
    });
    return ready.length - done;
  }
}
