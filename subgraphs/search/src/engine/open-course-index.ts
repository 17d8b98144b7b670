import type { Database } from "@campus/database";
import type { CourseIndex } from "./course-index";
import { OpenSearchCourseIndex } from "./opensearch.course-index";
import { PostgresCourseIndex } from "./postgres.course-index";

export interface CourseIndexSettings {
  OPENSEARCH_URL?: string;
  OPENSEARCH_INDEX_PREFIX: string;
  OPENSEARCH_TIMEOUT_MS: number;
}

/** OpenSearch when OPENSEARCH_URL is set, else the embedded engine in search's own database. */
export function openCourseIndex(settings: CourseIndexSettings, db: Database): CourseIndex {
  if (settings.OPENSEARCH_URL) {
    return new OpenSearchCourseIndex({
      url: settings.OPENSEARCH_URL,
      indexPrefix: settings.OPENSEARCH_INDEX_PREFIX,
      requestTimeoutMs: settings.OPENSEARCH_TIMEOUT_MS,
    });
  }
  return new PostgresCourseIndex(db);
}
