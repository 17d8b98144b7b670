import type { ContentSnapshot } from "@campus/events";
import type { ContentItemRow } from "../data/content.prisma";

/** What content's events say about an item at `version` (its current one). */
export function contentFacts(item: ContentItemRow, version: number): ContentSnapshot {
  return {
    contentId: item.id,
    courseId: item.courseId,
    moduleId: item.moduleId,
    kind: item.kind,
    title: item.title,
    position: item.position,
    version,
  };
}
