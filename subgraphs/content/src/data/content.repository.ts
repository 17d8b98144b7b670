import { byKey, groupByKey, isUuid, type LoaderRegistry } from "@campus/subgraph";
import type { ContentItemRow, ContentPrisma, ContentVersionRow } from "./content.prisma";

/**
 * Content reads, batched per request: however many modules or items a
 * response holds, each relation costs one query. Writes run in ContentWrites.
 */
export class ContentRepository {
  constructor(private readonly prisma: ContentPrisma) {}

  item(loaders: LoaderRegistry, id: string): Promise<ContentItemRow | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return loaders
      .get<string, ContentItemRow | null>("content:byId", async (ids) =>
        byKey(ids, await this.prisma.contentItem.findMany({ where: { id: { in: [...ids] } } }), (row) => row.id),
      )
      .load(id);
  }

  /** A module's items in position order. */
  itemsOfModule(loaders: LoaderRegistry, moduleId: string): Promise<ContentItemRow[]> {
    if (!isUuid(moduleId)) return Promise.resolve([]);
    return loaders
      .get<string, ContentItemRow[]>("content:byModuleId", async (ids) =>
        groupByKey(
          ids,
          await this.prisma.contentItem.findMany({
            where: { moduleId: { in: [...ids] } },
            orderBy: [{ moduleId: "asc" }, { position: "asc" }],
          }),
          (row) => row.moduleId,
        ),
      )
      .load(moduleId);
  }

  /** An item's versions, oldest first. */
  versionsOf(loaders: LoaderRegistry, contentId: string): Promise<ContentVersionRow[]> {
    return loaders
      .get<string, ContentVersionRow[]>("content:versions", async (ids) =>
        groupByKey(
          ids,
          await this.prisma.contentVersion.findMany({
            where: { contentId: { in: [...ids] } },
            orderBy: [{ contentId: "asc" }, { version: "asc" }],
          }),
          (row) => row.contentId,
        ),
      )
      .load(contentId);
  }

  /** Whether the viewer marked the item complete; one query per request and viewer. */
  completedBy(loaders: LoaderRegistry, userId: string, contentId: string): Promise<boolean> {
    return loaders
      .get<string, boolean>(`content:completed:${userId}`, async (ids) => {
        const rows = await this.prisma.completion.findMany({
          where: { userId, contentId: { in: [...ids] } },
          select: { contentId: true },
        });
        const done = new Set(rows.map((row) => row.contentId));
        return ids.map((id) => done.has(id));
      })
      .load(contentId);
  }

  /** Versions still waiting for their upload that were added before `before`: the orphan sweep's work. */
  pendingBefore(before: Date, take: number): Promise<ContentVersionRow[]> {
    return this.prisma.contentVersion.findMany({
      where: { status: "PENDING_UPLOAD", createdAt: { lt: before } },
      orderBy: { createdAt: "asc" },
      take,
    });
  }
}
