import { Client, errors, type API } from "@opensearch-project/opensearch";
import {
  SearchEngineUnavailableError,
  type CourseDocument,
  type CourseIndex,
  type CourseSearchPage,
  type CourseSearchRequest,
  type CourseSuggestion,
  type IndexRebuild,
} from "./course-index";
import { indexMappings, indexSettings, storedCourse } from "./opensearch.mapping";
import {
  languagesBody,
  prefixWords,
  readSearch,
  readSuggest,
  searchBody,
  suggestBody,
  type LanguagesResponseBody,
  type SearchResponseBody,
  type SuggestResponseBody,
} from "./opensearch.query";

export interface OpenSearchCourseIndexOptions {
  url: string;
  /** The alias, and the start of every index name: lower case, e.g. "campus-courses". */
  indexPrefix: string;
  /** Refresh after each write so the next read sees it (tests). Production leaves it off: refresh_interval is 1 s. */
  refresh?: boolean;
  requestTimeoutMs?: number;
  /** A client to use instead of one made for `url` (fixture tests); the caller closes it. */
  client?: Client;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** How long the set of indexed languages (which stemmed fields a query goes through) is trusted, as the PostgreSQL engine. */
const LANGUAGES_TTL_MS = 10_000;
/** Always queried (last when no course has it), as the PostgreSQL engine always stems with english: most queries are English. */
const DEFAULT_LANGUAGE = "en";
/** OpenSearch index names: lower case, no leading -, _ or +, none of \/*?"<>| , # or space. */
const INDEX_PREFIX = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * The production engine: an OpenSearch index behind an alias (docs/search.md).
 *
 * - The alias is the prefix ("campus-courses"); it points at one index,
 *   `<prefix>-initial` (made by `open`) or `<prefix>-<timestamp>` (made by a
 *   rebuild). Reads and writes go through the alias, a rebuild fills its own
 *   index and `activate` moves the alias in one `_aliases` call.
 * - Mapping and analyzers: opensearch.mapping.ts. Queries: opensearch.query.ts.
 * - Versions: every write is `version_type: external_gte` with the document's
 *   version, so OpenSearch itself refuses a lower version (a 409 for that
 *   document, which is the guard working, not an error).
 * - Hidden courses stay as tombstones (`visible: false`), filtered out of
 *   every query, so a late lower version cannot bring them back.
 * - Anything that says the engine could not answer (no connection, a
 *   timeout, 429, 5xx) becomes SearchEngineUnavailableError; its message is
 *   for the logs, the service never shows it to clients.
 */
export class OpenSearchCourseIndex implements CourseIndex {
  readonly engine = "opensearch" as const;
  private readonly client: Client;
  private readonly ownsClient: boolean;
  private readonly alias: string;
  private readonly refresh: boolean;
  private languages?: { keys: string[]; at: number };
  private opening?: Promise<void>;

  constructor(options: OpenSearchCourseIndexOptions) {
    if (!INDEX_PREFIX.test(options.indexPrefix))
      throw new Error(`invalid OpenSearch index prefix ${JSON.stringify(options.indexPrefix)}`);
    this.alias = options.indexPrefix;
    this.refresh = options.refresh ?? false;
    this.ownsClient = !options.client;
    this.client =
      options.client ??
      new Client({
        node: options.url,
        requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
        // one retry (on another node when there are several); a dead cluster should fail fast, not after 4 timeouts
        maxRetries: 1,
      });
  }

  /**
   * Memoized, and every method opens first: a cluster that was down at start
   * is picked up once it answers, and no write ever reaches the alias's name
   * before the alias exists (OpenSearch would auto-create a plain index there).
   */
  open(): Promise<void> {
    this.opening ??= this.create().catch((error: unknown) => {
      this.opening = undefined;
      throw error;
    });
    return this.opening;
  }

  private async create(): Promise<void> {
    await this.guard(async () => {
      const { body: exists } = await this.client.indices.existsAlias({ name: this.alias });
      if (exists) return;
      // a fixed name, so replicas opening at once race for the same index and the alias lands on one only
      await this.createIndex(`${this.alias}-initial`, true);
    });
  }

  async write(documents: CourseDocument[]): Promise<void> {
    await this.open();
    await this.guard(() => this.writeTo(this.alias, documents));
  }

  async get(courseId: string): Promise<CourseDocument | null> {
    await this.open();
    return this.guard(async () => {
      // realtime: a get sees a write before any refresh
      const { body } = await this.client.get({ index: this.alias, id: courseId }, { ignore: [404] });
      if (!body.found) {
        if (isIndexMissing(body)) throw notOpen();
        return null;
      }
      return (body._source as { document: CourseDocument }).document;
    });
  }

  async search(request: CourseSearchRequest): Promise<CourseSearchPage> {
    await this.open();
    return this.guard(async () => {
      const languages = await this.queryLanguages();
      const { body } = await this.client.search({
        index: this.alias,
        body: searchBody(request, languages) as API.Search_RequestBody,
      });
      return readSearch(body as unknown as SearchResponseBody, request);
    });
  }

  async suggest(prefix: string, limit: number): Promise<CourseSuggestion[]> {
    const words = prefixWords(prefix);
    if (words.length === 0 || limit <= 0) return [];
    await this.open();
    return this.guard(async () => {
      const { body } = await this.client.search({
        index: this.alias,
        body: suggestBody(words, limit) as API.Search_RequestBody,
      });
      return readSuggest(body as unknown as SuggestResponseBody);
    });
  }

  async startRebuild(): Promise<IndexRebuild> {
    await this.open();
    const index = await this.guard(async () => {
      const live = await this.liveIndices();
      // a rebuild left behind by a crash (an index of ours the alias does not point at) is simply replaced
      const leftovers = (await this.ownIndices()).filter((name) => !live.includes(name));
      if (leftovers.length) await this.client.indices.delete({ index: leftovers.join(",") });
      const name = `${this.alias}-${timestamp()}`;
      await this.createIndex(name, false);
      return name;
    });
    return {
      write: (documents) => this.guard(() => this.writeTo(index, documents)),
      activate: () =>
        this.guard(async () => {
          const old = (await this.liveIndices()).filter((name) => name !== index);
          // searchable before it is live: the alias never points at documents a search cannot see yet
          await this.client.indices.refresh({ index });
          // one call, applied atomically: no moment without the alias, or with it on both
          await this.client.indices.updateAliases({
            body: {
              actions: [
                ...old.map((name) => ({ remove: { index: name, alias: this.alias } })),
                { add: { index, alias: this.alias } },
              ],
            },
          });
          if (old.length) await this.client.indices.delete({ index: old.join(","), ignore_unavailable: true });
          this.languages = undefined;
        }),
      abandon: () =>
        this.guard(async () => {
          await this.client.indices.delete({ index, ignore_unavailable: true });
        }),
    };
  }

  /** Deletes every index of the prefix, and with them the alias (tests). */
  async drop(): Promise<void> {
    await this.guard(async () => {
      const own = await this.ownIndices();
      if (own.length) await this.client.indices.delete({ index: own.join(","), ignore_unavailable: true });
      this.languages = undefined;
    });
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.close();
  }

  private async createIndex(index: string, withAlias: boolean): Promise<void> {
    const body: Record<string, unknown> = {
      settings: indexSettings(),
      mappings: indexMappings(),
      ...(withAlias ? { aliases: { [this.alias]: {} } } : {}),
    };
    const { body: created, statusCode } = await this.client.indices.create(
      { index, body: body as API.Indices_Create_RequestBody },
      { ignore: [400] },
    );
    if (statusCode === 400) {
      // another process created it first: fine, as long as it is the index we meant (it carries the alias then)
      const type = (created as { error?: { type?: string } }).error?.type;
      if (type !== "resource_already_exists_exception")
        throw new Error(`search index (opensearch): cannot create ${index}: ${type}`);
      if (withAlias && !(await this.client.indices.existsAlias({ name: this.alias })).body) {
        throw new Error(`search index (opensearch): ${index} exists without the alias ${this.alias}`);
      }
    }
  }

  /**
   * One `_bulk` per batch: each course indexed with its version as an
   * external version (`external_gte`: an equal version rewrites, a lower one
   * is refused with 409 and left as it is).
   */
  private async writeTo(index: string, documents: CourseDocument[]): Promise<void> {
    if (documents.length === 0) return;
    // the newest of each course in the batch: a batch never fights itself
    const newest = new Map<string, CourseDocument>();
    for (const document of documents) {
      const seen = newest.get(document.courseId);
      if (!seen || seen.version <= document.version) newest.set(document.courseId, document);
    }
    const stored = [...newest.values()].map(storedCourse);
    const body = stored.flatMap((course) => [
      { index: { _id: course.courseId, version: course.version, version_type: "external_gte" } },
      course,
    ]);
    const { body: result } = await this.client.bulk({
      index,
      body: body as API.Bulk_RequestBody,
      ...(this.refresh ? { refresh: true } : {}),
    });
    if (result.errors) {
      const failures = result.items
        .map((item) => Object.values(item)[0])
        .filter((item) => item !== undefined && item.status >= 300 && item.status !== 409);
      const failure = failures[0];
      if (failure) {
        const message = `search index (opensearch): ${failures.length} of ${newest.size} writes failed, e.g. ${failure.status} ${failure.error?.type}: ${failure.error?.reason}`;
        if (failure.status === 429 || failure.status >= 500) throw new SearchEngineUnavailableError(message);
        throw new Error(message);
      }
    }
    // a language no query went through yet: ask again rather than wait for the cache to expire
    if (stored.some((course) => course.visible && !this.languages?.keys.includes(course.textLanguage)))
      this.languages = undefined;
  }

  /** The `text.<key>`s of the visible courses, and English: a query goes through their stemmers only. */
  private async queryLanguages(): Promise<string[]> {
    if (this.languages && Date.now() - this.languages.at < LANGUAGES_TTL_MS) return this.languages.keys;
    const { body } = await this.client.search({ index: this.alias, body: languagesBody() as API.Search_RequestBody });
    const buckets = (body as unknown as LanguagesResponseBody).aggregations?.languages.buckets ?? [];
    // most courses first: when a long query cannot go through every stemmer, the rarest languages are left out
    const keys = buckets.map((bucket) => bucket.key);
    if (!keys.includes(DEFAULT_LANGUAGE)) keys.push(DEFAULT_LANGUAGE);
    this.languages = { keys, at: Date.now() };
    return keys;
  }

  /** The indices the alias points at (one, unless someone moved it by hand). */
  private async liveIndices(): Promise<string[]> {
    const { body } = await this.client.indices.getAlias({ name: this.alias }, { ignore: [404] });
    return Object.keys(body).filter((name) => this.isOwnIndex(name));
  }

  /** Every index this prefix made: `<prefix>-initial` and `<prefix>-<timestamp>`, nothing of a longer prefix. */
  private async ownIndices(): Promise<string[]> {
    // every matching index is listed, with or without an alias: a small answer, unlike GET <index> and its mappings
    const { body } = await this.client.indices.getAlias(
      { index: `${this.alias}-*`, expand_wildcards: "all" },
      { ignore: [404] },
    );
    return Object.keys(body).filter((name) => this.isOwnIndex(name));
  }

  private isOwnIndex(name: string): boolean {
    const suffix = name.startsWith(`${this.alias}-`) ? name.slice(this.alias.length + 1) : null;
    return suffix === "initial" || (suffix !== null && /^\d{17}$/.test(suffix));
  }

  /** Turns "the engine could not answer" into SearchEngineUnavailableError; anything else (a 4xx) is this adapter's bug. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof SearchEngineUnavailableError) throw error;
      if (isUnavailable(error)) {
        throw new SearchEngineUnavailableError(`search index (opensearch): ${(error as Error).message}`, {
          cause: error,
        });
      }
      if (error instanceof errors.ResponseError && isIndexMissing(error.body)) throw notOpen(error);
      if (error instanceof errors.ResponseError) {
        throw new Error(`search index (opensearch): request refused (${error.statusCode}): ${error.message}`, {
          cause: error,
        });
      }
      throw error;
    }
  }
}

function isUnavailable(error: unknown): boolean {
  return (
    error instanceof errors.ConnectionError ||
    error instanceof errors.TimeoutError ||
    error instanceof errors.NoLivingConnectionsError ||
    error instanceof errors.RequestAbortedError ||
    // a proxy's HTML error page in front of the cluster
    error instanceof errors.DeserializationError ||
    (error instanceof errors.ResponseError && (error.statusCode === 429 || error.statusCode >= 500))
  );
}

function isIndexMissing(body: unknown): boolean {
  return (body as { error?: { type?: string } } | undefined)?.error?.type === "index_not_found_exception";
}

const notOpen = (cause?: unknown) => new SearchEngineUnavailableError("the search index is not open", { cause });

/** UTC yyyyMMddHHmmssSSS: index names sort by age and stay lower case. */
function timestamp(): string {
  return new Date().toISOString().replace(/\D/g, "").slice(0, 17);
}
