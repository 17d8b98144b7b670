import type { ContentSnapshot } from "@campus/events";
import type { ContentItemRow, ContentVersionRow } from "../data/content.prisma";

/**
 * What content's events say about an item at `version` (its current one):
 * for an ARTICLE, that version's markdown too (search indexes it from the
 * events alone); VIDEO and PDF items carry no body.
 */
export function contentFacts(
  item: ContentItemRow,
  version: Pick<ContentVersionRow, "version" | "body">,
): ContentSnapshot {
  const facts: ContentSnapshot = {
    contentId: item.id,
    courseId: item.courseId,
    moduleId: item.moduleId,
    kind: item.kind,
    title: item.title,
    position: item.position,
    version: version.version,
  };
  return item.kind === "ARTICLE" && version.body !== null ? { ...facts, body: version.body } : facts;
}
