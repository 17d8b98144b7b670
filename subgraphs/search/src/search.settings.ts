import { optionalUrlSetting, positiveInt, z } from "@campus/config";

/** Search's own settings (docs/search.md). */
export const searchSettings = {
  /** OpenSearch's URL (production); unset, the embedded engine: PostgreSQL full-text search in search's database. */
  OPENSEARCH_URL: optionalUrlSetting,
  /** Names of the course indexes (`<prefix>-<time>`) and their alias (`<prefix>`). */
  OPENSEARCH_INDEX_PREFIX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,60}$/, "must be lower-case letters, digits, - or _")
    .default("campus-courses"),
  /** A search OpenSearch has not answered by then fails with SERVICE_UNAVAILABLE. */
  OPENSEARCH_TIMEOUT_MS: positiveInt(3000),
  /** How often the indexer looks for changed courses when no event woke it. */
  SEARCH_INDEX_POLL_MS: positiveInt(200),
  /** Courses written to the index per batch (the indexer and the reindex). */
  SEARCH_INDEX_BATCH: positiveInt(200),
};
