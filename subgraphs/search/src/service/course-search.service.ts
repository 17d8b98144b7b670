import { createHash } from "node:crypto";
import { badInput, serviceUnavailable } from "@campus/errors";
import type { Logger } from "@campus/logging";
import { isUuid } from "@campus/subgraph";
import {
  SearchEngineUnavailableError,
  type CourseIndex,
  type CourseLevel,
  type CourseSearchPage,
  type SearchFilter,
  type SortPosition,
} from "../engine/course-index";
import { MAX_QUERY_LENGTH, parseSearchText } from "../engine/search-text";

export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 50;
export const MAX_SUGGESTIONS = 8;
export const MAX_PREFIX_LENGTH = 100;
/** More values than this in one filter list is no person's choice. */
const MAX_FILTER_VALUES = 50;
const LANGUAGE = /^[a-z]{2,3}$/;

export interface SearchArgs {
  query: string;
  first?: number | null;
  after?: string | null;
  filter?: {
    categoryIds?: string[] | null;
    levels?: CourseLevel[] | null;
    languages?: string[] | null;
    free?: boolean | null;
    maxPrice?: number | null;
    instructorId?: string | null;
  } | null;
}

export interface SearchResult extends CourseSearchPage {
  /** The client's cursor for each hit, in order. */
  cursors: string[];
}

/**
 * Anyone's course search (docs/search.md): checks what the caller sent,
 * turns cursors into engine positions and back, and answers
 * SERVICE_UNAVAILABLE when the engine cannot (the rest of the graph is
 * unaffected). Only PUBLISHED courses are ever in a result: the index keeps
 * the others hidden.
 */
export class CourseSearchService {
  constructor(
    private readonly index: CourseIndex,
    private readonly logger: Logger,
  ) {}

  async search(args: SearchArgs): Promise<SearchResult> {
    if ([...args.query].length > MAX_QUERY_LENGTH) {
      throw badInput(`query must be at most ${MAX_QUERY_LENGTH} characters`, { field: "query" });
    }
    const first = args.first ?? DEFAULT_PAGE;
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE) {
      throw badInput(`first must be between 0 and ${MAX_PAGE}`, { field: "first" });
    }
    const text = parseSearchText(args.query);
    const filter = checkedFilter(args.filter ?? {});
    // a cursor belongs to one search: the same text and filter on the same engine
    const fingerprint = createHash("sha256")
      .update(JSON.stringify([this.index.engine, text, filter]))
      .digest("base64url")
      .slice(0, 12);
    const after = args.after === undefined || args.after === null ? undefined : readCursor(args.after, fingerprint);
    const page = await this.engine(() => this.index.search({ text, filter, first: Math.max(first, 1), after }));
    const hits = first === 0 ? [] : page.hits;
    return {
      ...page,
      hits,
      hasNextPage: first === 0 ? page.totalCount > 0 : page.hasNextPage,
      cursors: hits.map((hit) => writeCursor(fingerprint, hit.position)),
    };
  }

  async suggest(prefix: string) {
    if ([...prefix].length > MAX_PREFIX_LENGTH) {
      throw badInput(`prefix must be at most ${MAX_PREFIX_LENGTH} characters`, { field: "prefix" });
    }
    return this.engine(() => this.index.suggest(prefix, MAX_SUGGESTIONS));
  }

  private async engine<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof SearchEngineUnavailableError)) throw error;
      this.logger.error({ err: error, engine: this.index.engine }, "search engine unavailable");
      throw serviceUnavailable("Search is unavailable right now; the rest of Campus works, try again shortly");
    }
  }
}

function checkedFilter(filter: NonNullable<SearchArgs["filter"]>): SearchFilter {
  const list = <T>(field: string, values: T[] | null | undefined, valid: (value: T) => boolean) => {
    if (!values) return undefined;
    if (values.length > MAX_FILTER_VALUES)
      throw badInput(`filter.${field} takes at most ${MAX_FILTER_VALUES} values`, { field: `filter.${field}` });
    const bad = values.find((value) => !valid(value));
    if (bad !== undefined)
      throw badInput(`filter.${field} has an invalid value: ${String(bad).slice(0, 40)}`, { field: `filter.${field}` });
    return values.length > 0 ? [...new Set(values)] : undefined;
  };
  if (
    filter.maxPrice !== undefined &&
    filter.maxPrice !== null &&
    (!Number.isInteger(filter.maxPrice) || filter.maxPrice < 0)
  ) {
    throw badInput("filter.maxPrice must be a whole number of minor units, 0 or more", { field: "filter.maxPrice" });
  }
  if (filter.instructorId && !isUuid(filter.instructorId)) {
    throw badInput("filter.instructorId is not an id", { field: "filter.instructorId" });
  }
  return {
    categoryIds: list("categoryIds", filter.categoryIds, isUuid),
    levels: list("levels", filter.levels, () => true),
    languages: list(
      "languages",
      filter.languages?.map((language) => language.toLowerCase()),
      (l) => LANGUAGE.test(l),
    ),
    free: filter.free ?? undefined,
    maxPrice: filter.maxPrice ?? undefined,
    instructorId: filter.instructorId ?? undefined,
  };
}

function writeCursor(fingerprint: string, position: SortPosition): string {
  return Buffer.from(JSON.stringify([fingerprint, ...position])).toString("base64url");
}

function readCursor(cursor: string, fingerprint: string): SortPosition {
  const refuse = (why: string) => badInput(`after ${why}`, { field: "after" });
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw refuse("is not a cursor this API issued");
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length < 2 ||
    decoded.length > 4 ||
    !decoded.every((part) => typeof part === "string" || (typeof part === "number" && Number.isFinite(part)))
  ) {
    throw refuse("is not a cursor this API issued");
  }
  const [issuedFor, ...position] = decoded as (string | number)[];
  if (issuedFor !== fingerprint)
    throw refuse("belongs to another search (query or filter changed): start again without it");
  // every engine ends its position with the course id
  if (typeof position.at(-1) !== "string" || !isUuid(position.at(-1) as string))
    throw refuse("is not a cursor this API issued");
  return position;
}
