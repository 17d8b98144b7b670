import type { ContentItemRow, ContentVersionRow } from "../data/content.prisma";
import type { Standing } from "./content.policy";

/** An item as one viewer sees it: at the version the policy shows them (content.policy.ts). */
export interface ContentView {
  id: string;
  moduleId: string;
  courseId: string;
  kind: ContentItemRow["kind"];
  title: string;
  position: number;
  status: ContentVersionRow["status"];
  version: number;
  /** ARTICLE: the markdown as sent. */
  body: string | null;
  sizeBytes: number | null;
  contentType: string | null;
  // not fields: what download and versions are resolved from
  standing: Standing;
  storageKey: string | null;
  fileName: string | null;
}

export function viewOf(standing: Standing, item: ContentItemRow, version: ContentVersionRow): ContentView {
  return {
    id: item.id,
    moduleId: item.moduleId,
    courseId: item.courseId,
    kind: item.kind,
    title: item.title,
    position: item.position,
    status: version.status,
    version: version.version,
    body: version.body,
    sizeBytes: version.sizeBytes === null ? null : Number(version.sizeBytes),
    contentType: version.contentType,
    standing,
    storageKey: version.storageKey,
    fileName: version.fileName,
  };
}
