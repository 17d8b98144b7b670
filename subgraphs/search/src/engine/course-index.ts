/**
 * The search index behind one port, two engines (docs/search.md):
 * PostgreSQL full-text search in search's own database (the embedded default,
 * also on PostgreSQL) and OpenSearch (production). Both pass the same contract
 * suite (tests/contract/course-index.test.ts).
 *
 * The index holds documents built from search's own copy of the facts (fed by
 * events); it owns nothing: `pnpm search:reindex` rebuilds it.
 */
import type { SearchText } from "./search-text";

export type CourseLevel = "BEGINNER" | "INTERMEDIATE" | "ADVANCED";

/** Everything a course is found by. */
export interface CourseDocument {
  courseId: string;
  /**
   * Grows with every change to the course's facts. A write carrying a lower
   * version than the indexed one is ignored, so two indexers racing (replicas,
   * a reindex) can never leave an older document in place.
   */
  version: number;
  /** false: the course is not PUBLISHED (any more); the index keeps a hidden tombstone with the version. */
  visible: boolean;
  title: string;
  slug: string;
  description: string;
  level: CourseLevel;
  /** ISO 639-1 ("en", "de", …): picks the stemmer. */
  language: string;
  category: { id: string; name: string } | null;
  /** Minor units. */
  price: { amount: number; currency: string };
  instructor: { id: string; name: string };
  moduleTitles: string[];
  /** Plain text of the course's published ARTICLE content. */
  articleText: string;
  /** ISO 8601; the order of an empty query (newest first). */
  publishedAt: string | null;
}

export interface SearchFilter {
  categoryIds?: string[];
  levels?: CourseLevel[];
  languages?: string[];
  free?: boolean;
  /** Minor units, inclusive. */
  maxPrice?: number;
  instructorId?: string;
}

/**
 * Where a page ends, as the engine sorts: read back from a hit and handed in
 * as `after` for the next page. Opaque to everyone but the engine that made it
 * (the service wraps it in the cursor string clients see).
 */
export type SortPosition = readonly (string | number)[];

export interface CourseSearchRequest {
  text: SearchText;
  filter: SearchFilter;
  /** 1..100 */
  first: number;
  after?: SortPosition;
}

export interface CourseHit {
  courseId: string;
  /**
   * The matched words in context: HTML-escaped text with the matches in
   * <mark>…</mark>. Null when nothing was searched for (empty text).
   */
  highlight: string | null;
  position: SortPosition;
}

export type FacetField = "category" | "level" | "language" | "priceBand" | "free";

export interface FacetBucket {
  value: string;
  label: string;
  count: number;
}

export interface Facet {
  field: FacetField;
  buckets: FacetBucket[];
}

export interface CourseSearchPage {
  /** Every visible course matching text and filter. */
  totalCount: number;
  hits: CourseHit[];
  /**
   * One per FacetField, in FACET_FIELDS order; each counted under the text and
   * every filter except its own (so picking a level still shows the others).
   * Buckets with a count of 0 are left out.
   */
  facets: Facet[];
  hasNextPage: boolean;
}

export interface CourseSuggestion {
  courseId: string;
  title: string;
}

/** A new index filled beside the live one, which keeps serving until `activate`. */
export interface IndexRebuild {
  write(documents: CourseDocument[]): Promise<void>;
  /** Makes the new index the live one and drops the old (an alias swap on OpenSearch). */
  activate(): Promise<void>;
  /** Drops the new index; the live one is untouched. */
  abandon(): Promise<void>;
}

export interface CourseIndex {
  readonly engine: "postgres" | "opensearch";
  /** Creates the live index when there is none (tables or mapping, analyzers, alias); idempotent. */
  open(): Promise<void>;
  /** Upserts, each only when its version is at least the indexed one's. */
  write(documents: CourseDocument[]): Promise<void>;
  search(request: CourseSearchRequest): Promise<CourseSearchPage>;
  /** Visible courses whose title has a word starting with each word of `prefix`, best first. */
  suggest(prefix: string, limit: number): Promise<CourseSuggestion[]>;
  /** The live index's document for a course, hidden ones included (tests, the reindex check). */
  get(courseId: string): Promise<CourseDocument | null>;
  startRebuild(): Promise<IndexRebuild>;
  close(): Promise<void>;
}

/**
 * The engine could not answer (OpenSearch down, a timeout). The service turns
 * it into SERVICE_UNAVAILABLE; the rest of the supergraph is unaffected.
 */
export class SearchEngineUnavailableError extends Error {
  override name = "SearchEngineUnavailableError";
}
