import type { Database, SqlSession } from "@campus/database";
import {
  SearchEngineUnavailableError,
  type CourseDocument,
  type CourseHit,
  type CourseIndex,
  type CourseSearchPage,
  type CourseSearchRequest,
  type CourseSuggestion,
  type Facet,
  type FacetField,
  type IndexRebuild,
  type SearchFilter,
} from "./course-index";
import { FACET_FIELDS, facetLabel, PRICE_BANDS, sortBuckets } from "./facets";
import { isEmptySearch, type SearchText } from "./search-text";
import { closestWords, documentWords } from "./typos";

/**
 * The embedded engine: PostgreSQL full-text search in search's own schema,
 * the same SQL on PGlite and on PostgreSQL (docs/search.md says why this and
 * not an in-memory library: the index commits with the database, survives a
 * restart and needs no second store).
 *
 * - Each document is one row with a weighted `tsvector` (title A; modules,
 *   instructor, category B; description and level C; articles D), stemmed
 *   with its language's configuration; `ts_rank` orders by those weights.
 * - Typos: the words of the visible documents are counted in a vocabulary
 *   table; a query word the vocabulary lacks is widened with its nearest
 *   known words (pg_trgm similarity, then edit distance).
 * - Generations: a rebuild fills generation live+1 beside the live one and
 *   `activate` swaps the number in one row, as an alias swap does.
 *
 * The tables are the engine's, created here like an OpenSearch mapping (not
 * by search's Prisma migrations): they hold nothing that cannot be rebuilt.
 */

/** ISO 639-1 → the PostgreSQL text search configuration that stems it (all ship with PostgreSQL and PGlite). */
const CONFIGS: Record<string, string> = {
  en: "english",
  de: "german",
  fr: "french",
  es: "spanish",
  it: "italian",
  pt: "portuguese",
  nl: "dutch",
  sv: "swedish",
  da: "danish",
  no: "norwegian",
  nb: "norwegian",
  fi: "finnish",
  ru: "russian",
  hu: "hungarian",
  ro: "romanian",
  tr: "turkish",
};
export const textConfigFor = (language: string) => CONFIGS[language.toLowerCase()] ?? "simple";

/** Weights of D, C, B, A (ts_rank's order): a title match outweighs five description matches. */
const RANK_WEIGHTS = "{0.05,0.2,0.4,1.0}";
const HEADLINE =
  'StartSel=<mark>, StopSel=</mark>, MaxWords=24, MinWords=10, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "';
/** On PGlite, the tables are vacuumed and analyzed after this many changed documents plus this fraction of them (autovacuum's analyze defaults). */
const MAINTENANCE_MIN_ROWS = 50;
const MAINTENANCE_FRACTION = 0.1;
/** How long the set of indexed languages (which stemmers a query goes through) is trusted. */
const LANGUAGES_TTL_MS = 10_000;

interface PreparedText {
  /** The tsquery SQL, or null when the text only excludes ("-java"). */
  query(param: (value: unknown) => string): string | null;
  /** ` AND NOT …` conditions for the excluded words. */
  exclude(param: (value: unknown) => string): string;
}

interface StoredRow {
  course_id: string;
  version: string | number;
  visible: boolean;
  words: string[];
}

export class PostgresCourseIndex implements CourseIndex {
  readonly engine = "postgres" as const;
  private readonly schema: string;
  private readonly t: { doc: string; term: string; state: string };
  private languages?: { configs: string[]; at: number };
  private opening?: Promise<void>;
  /** Documents written to the live generation since the last VACUUM ANALYZE (PGlite), and how many there were then. */
  private changedSinceMaintenance = 0;
  private documentsAtMaintenance = 0;

  constructor(private readonly db: Database) {
    const schema = `"${db.schema.replace(/"/g, '""')}"`;
    this.schema = schema;
    this.t = {
      doc: `${schema}.course_index_document`,
      term: `${schema}.course_index_term`,
      state: `${schema}.course_index_state`,
    };
  }

  /** Memoized: every method opens first, so a database that was down at start is picked up once it answers. */
  open(): Promise<void> {
    this.opening ??= this.create().catch((error: unknown) => {
      this.opening = undefined;
      throw error;
    });
    return this.opening;
  }

  private async create(): Promise<void> {
    const { doc, term, state } = this.t;
    await this.guard(async () => {
      // pg_trgm is a trusted extension (a database owner may create it); in PGlite it is loaded at start
      await this.db.exec(`CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`).catch(async (error) => {
        const [{ present } = { present: false }] = await this.db.query<{ present: boolean }>(
          `SELECT true AS present FROM pg_extension WHERE extname = 'pg_trgm'`,
        );
        if (!present) throw error;
      });
      await this.db.exec(`
        CREATE SCHEMA IF NOT EXISTS ${this.schema};
        CREATE TABLE IF NOT EXISTS ${doc} (
          generation integer NOT NULL,
          course_id uuid NOT NULL,
          version bigint NOT NULL,
          visible boolean NOT NULL,
          document jsonb NOT NULL,
          text_config regconfig NOT NULL,
          title text NOT NULL,
          level text NOT NULL,
          language text NOT NULL,
          category_id uuid,
          category_name text,
          price_amount integer NOT NULL,
          instructor_id uuid NOT NULL,
          published_at timestamptz,
          search_vector tsvector NOT NULL,
          title_vector tsvector NOT NULL,
          words text[] NOT NULL,
          PRIMARY KEY (generation, course_id)
        );
        CREATE INDEX IF NOT EXISTS course_index_document_search ON ${doc} USING gin (search_vector) WITH (fastupdate = off);
        CREATE INDEX IF NOT EXISTS course_index_document_title ON ${doc} USING gin (title_vector) WITH (fastupdate = off);
        -- what a listing (an empty text) and the facets read, in the index itself: an index-only scan instead
        -- of a pass over the wide rows (document, vectors); it replaces course_index_document_newest (no INCLUDE)
        CREATE INDEX IF NOT EXISTS course_index_document_listing ON ${doc} (generation, published_at DESC, course_id)
          INCLUDE (category_id, category_name, level, language, price_amount, instructor_id) WHERE visible;
        DROP INDEX IF EXISTS ${this.schema}.course_index_document_newest;
        CREATE TABLE IF NOT EXISTS ${term} (
          generation integer NOT NULL,
          term text NOT NULL,
          documents integer NOT NULL,
          PRIMARY KEY (generation, term)
        );
        CREATE INDEX IF NOT EXISTS course_index_term_trigram ON ${term} USING gin (term public.gin_trgm_ops) WITH (fastupdate = off);
        CREATE TABLE IF NOT EXISTS ${state} (
          singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
          live integer NOT NULL,
          building integer
        );
        INSERT INTO ${state} (live) VALUES (1) ON CONFLICT DO NOTHING;
      `);
      // indexes created before fastupdate was turned off: turned off once (it locks the index briefly)
      const pending = await this.db.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_class c JOIN pg_am am ON am.oid = c.relam
         WHERE c.relnamespace = $1::regnamespace AND am.amname = 'gin'
           AND c.relname IN ('course_index_document_search', 'course_index_document_title', 'course_index_term_trigram')
           AND NOT COALESCE(c.reloptions @> ARRAY['fastupdate=off'], false)`,
        [this.schema],
      );
      for (const { name } of pending) await this.db.exec(`ALTER INDEX ${this.schema}."${name}" SET (fastupdate = off)`);
    });
    // statistics from the start (a planner without them filters every document for each search)
    const [stats] = await this.guard(() =>
      this.db.query<{ documents: number }>(
        `SELECT reltuples::float8 AS documents FROM pg_class WHERE oid = $1::regclass`,
        [this.t.doc],
      ),
    );
    if (Number(stats?.documents ?? -1) < 0) await this.maintain();
    else this.documentsAtMaintenance = Number(stats!.documents);
  }

  async write(documents: CourseDocument[]): Promise<void> {
    const changed = await this.guard(async () => this.writeTo(await this.liveGeneration(), documents));
    // PGlite runs no autovacuum: the engine vacuums and analyzes its tables itself, on autovacuum's defaults
    if (this.db.kind === "pglite") {
      this.changedSinceMaintenance += changed;
      if (this.changedSinceMaintenance >= MAINTENANCE_MIN_ROWS + MAINTENANCE_FRACTION * this.documentsAtMaintenance) {
        await this.maintain();
      }
    }
  }

  async get(courseId: string): Promise<CourseDocument | null> {
    return this.guard(async () => {
      const rows = await this.db.query<{ document: CourseDocument; version: string; visible: boolean }>(
        `SELECT document, version, visible FROM ${this.t.doc} WHERE generation = $1 AND course_id = $2`,
        [await this.liveGeneration(), courseId],
      );
      const row = rows[0];
      return row ? { ...row.document, version: Number(row.version), visible: row.visible } : null;
    });
  }

  async search(request: CourseSearchRequest): Promise<CourseSearchPage> {
    return this.guard(async () => {
      const generation = await this.liveGeneration();
      const text = await this.prepareText(request.text, generation);
      // one statement: the matching documents are found (and ranked) once, for the page and for the facets
      const params: unknown[] = [generation];
      const param = (value: unknown) => `$${params.push(value)}`;
      const query = text?.query(param) ?? null;
      const exclude = text?.exclude(param) ?? "";
      // an empty text lists newest first: the publication time is the score, so one cursor shape serves both
      const score = query
        ? `ts_rank('${RANK_WEIGHTS}', search_vector, q.query)::float8`
        : `COALESCE(extract(epoch FROM published_at)::float8, 0)`;
      const where = filterConditions(request.filter, param);
      const clause = (conditions: string[]) => (conditions.length ? `WHERE ${conditions.join(" AND ")}` : "");
      const after = request.after
        ? `(score < ${param(Number(request.after[0]))}::float8 OR (score = ${param(Number(request.after[0]))}::float8 AND course_id > ${param(String(request.after[1]))}::uuid))`
        : null;
      const except = (field: FacetField) =>
        Object.entries(where)
          .filter(([key]) => key !== field)
          .map(([, sql]) => sql);
      const band = `CASE ${PRICE_BANDS.map((b) => `WHEN price_amount <= ${b.max ?? 2147483647} THEN '${b.value}'`).join(" ")} END`;
      const sql = `
        WITH matched AS (
          SELECT course_id, category_id, category_name, level, language, price_amount, instructor_id, ${score} AS score
          FROM ${this.t.doc}${query ? `, (SELECT ${query} AS query) q` : ""}
          WHERE generation = $1 AND visible${query ? ` AND search_vector @@ q.query` : ""}${exclude}
        ), hits AS (
          SELECT course_id, score FROM matched ${clause([...Object.values(where), ...(after ? [after] : [])])}
          ORDER BY score DESC, course_id LIMIT ${param(request.first + 1)}
        )
        SELECT 'hit' AS field, course_id::text AS value, NULL AS label, NULL::int AS count, score,
          row_number() OVER (ORDER BY score DESC, course_id)::int AS rank FROM hits
        UNION ALL SELECT 'total', NULL, NULL, count(*)::int, NULL, NULL FROM matched ${clause(Object.values(where))}
        UNION ALL SELECT 'category', category_id::text, max(category_name), count(*)::int, NULL, NULL FROM matched ${clause([...except("category"), "category_id IS NOT NULL"])} GROUP BY category_id
        UNION ALL SELECT 'level', level, NULL, count(*)::int, NULL, NULL FROM matched ${clause(except("level"))} GROUP BY level
        UNION ALL SELECT 'language', language, NULL, count(*)::int, NULL, NULL FROM matched ${clause(except("language"))} GROUP BY language
        UNION ALL SELECT 'priceBand', ${band}, NULL, count(*)::int, NULL, NULL FROM matched ${clause(except("priceBand"))} GROUP BY 2
        UNION ALL SELECT 'free', (price_amount = 0)::text, NULL, count(*)::int, NULL, NULL FROM matched ${clause(except("free"))} GROUP BY 2`;

      const rows = await this.db.query<{
        field: string;
        value: string | null;
        label: string | null;
        count: number;
        score: number;
        rank: number;
      }>(sql, params);
      const hitRows = rows
        .filter((row) => row.field === "hit")
        .sort((a, b) => a.rank - b.rank)
        .map((row) => ({ course_id: row.value!, score: row.score }));
      const facetRows = rows.filter((row) => row.field !== "hit");
      const page = hitRows.slice(0, request.first);
      const highlights =
        text && query
          ? await this.highlights(
              generation,
              page.map((row) => row.course_id),
              text,
            )
          : new Map<string, string>();
      return {
        totalCount: facetRows.find((row) => row.field === "total")?.count ?? 0,
        hits: page.map((row): CourseHit => ({
          courseId: row.course_id,
          highlight: highlights.get(row.course_id) ?? null,
          position: [row.score, row.course_id],
        })),
        facets: facetsFrom(facetRows),
        hasNextPage: hitRows.length > request.first,
      };
    });
  }

  async suggest(prefix: string, limit: number): Promise<CourseSuggestion[]> {
    const words =
      prefix
        .normalize("NFKC")
        .toLowerCase()
        .match(/[\p{L}\p{N}]+/gu) ?? [];
    if (words.length === 0) return [];
    // the words are letters and digits only, so they are safe inside a tsquery literal
    const query = words.map((word) => `'${word}':*`).join(" & ");
    return this.guard(async () => {
      const rows = await this.db.query<{ course_id: string; title: string }>(
        `SELECT course_id, title FROM ${this.t.doc}
         WHERE generation = $1 AND visible AND title_vector @@ to_tsquery('simple', $2)
         ORDER BY (lower(title) LIKE $3) DESC, length(title), published_at DESC NULLS LAST, course_id
         LIMIT $4`,
        [await this.liveGeneration(), query, `${words.join(" ").replace(/[\\%_]/g, "\\$&")}%`, limit],
      );
      return rows.map((row) => ({ courseId: row.course_id, title: row.title }));
    });
  }

  async startRebuild(): Promise<IndexRebuild> {
    const { doc, term, state } = this.t;
    await this.open();
    const generation = await this.guard(() =>
      this.db.transaction(async (tx) => {
        const [row] = await tx.query<{ live: number; building: number | null }>(
          `SELECT live, building FROM ${state} FOR UPDATE`,
        );
        // a rebuild left behind by a crash is simply replaced
        const next = Math.max(row!.live, row!.building ?? 0) + 1;
        await tx.execute(`DELETE FROM ${doc} WHERE generation <> $1 AND generation <> $2`, [row!.live, next]);
        await tx.execute(`DELETE FROM ${term} WHERE generation <> $1`, [row!.live]);
        await tx.execute(`UPDATE ${state} SET building = $1`, [next]);
        return next;
      }),
    );
    const drop = async (tx: SqlSession, generationToDrop: number) => {
      await tx.execute(`DELETE FROM ${doc} WHERE generation = $1`, [generationToDrop]);
      await tx.execute(`DELETE FROM ${term} WHERE generation = $1`, [generationToDrop]);
    };
    return {
      write: async (documents) => void (await this.guard(() => this.writeTo(generation, documents))),
      activate: async () => {
        await this.guard(() =>
          this.db.transaction(async (tx) => {
            const [row] = await tx.query<{ live: number }>(`SELECT live FROM ${state} FOR UPDATE`);
            await tx.execute(`UPDATE ${state} SET live = $1, building = NULL`, [generation]);
            await drop(tx, row!.live);
            this.languages = undefined;
          }),
        );
        // the old generation's rows are dead and the new one's have no statistics yet
        await this.maintain();
      },
      abandon: () =>
        this.guard(() =>
          this.db.transaction(async (tx) => {
            await tx.execute(`UPDATE ${state} SET building = NULL WHERE building = $1`, [generation]);
            await drop(tx, generation);
          }),
        ),
    };
  }

  async close(): Promise<void> {
    // the database belongs to the subgraph, which closes it
  }

  /**
   * VACUUM ANALYZE of the engine's tables: statistics for the planner (without
   * them it filters every document with `@@` instead of asking the GIN index)
   * and dead rows (a swapped-out generation, replaced documents) made
   * reusable. PostgreSQL's autovacuum would get there too, a while later;
   * PGlite has none, so on PGlite `write` calls this after every
   * MAINTENANCE_MIN_ROWS + MAINTENANCE_FRACTION of the documents changed, as
   * autovacuum's defaults would. Best effort: a failure leaves the index
   * correct, only slower.
   */
  private async maintain(): Promise<void> {
    this.changedSinceMaintenance = 0;
    try {
      // one statement each: VACUUM cannot run inside a transaction block
      await this.db.exec(`VACUUM (ANALYZE) ${this.t.doc}`);
      await this.db.exec(`VACUUM (ANALYZE) ${this.t.term}`);
      const [row] = await this.db.query<{ documents: number }>(
        `SELECT GREATEST(reltuples, 0)::float8 AS documents FROM pg_class WHERE oid = $1::regclass`,
        [this.t.doc],
      );
      this.documentsAtMaintenance = Number(row?.documents ?? 0);
    } catch {
      // not the owner, or the database is going away: the next maintenance tries again
    }
  }

  private async liveGeneration(): Promise<number> {
    await this.open();
    const [row] = await this.db.query<{ live: number }>(`SELECT live FROM ${this.t.state}`);
    if (!row) throw new SearchEngineUnavailableError("the search index is not open");
    return row.live;
  }

  /**
   * Upserts a batch into one generation in one transaction: a document
   * replaces the stored one only when its version is at least as high, and
   * the vocabulary counts move with the visible documents' words.
   */
  private async writeTo(generation: number, documents: CourseDocument[]): Promise<number> {
    if (documents.length === 0) return 0;
    // the newest of each course in the batch, in id order (concurrent writers lock rows in the same order)
    const newest = new Map<string, CourseDocument>();
    for (const document of documents) {
      const seen = newest.get(document.courseId);
      if (!seen || seen.version <= document.version) newest.set(document.courseId, document);
    }
    const batch = [...newest.values()].sort((a, b) => a.courseId.localeCompare(b.courseId));
    const { doc, term } = this.t;
    const changed = await this.db.transaction(async (tx) => {
      const stored = new Map(
        (
          await tx.query<StoredRow>(
            `SELECT course_id, version, visible, words FROM ${doc}
             WHERE generation = $1 AND course_id = ANY($2::uuid[]) ORDER BY course_id FOR UPDATE`,
            [generation, batch.map((d) => d.courseId)],
          )
        ).map((row) => [row.course_id, row]),
      );
      const applied = batch.filter((d) => {
        const old = stored.get(d.courseId);
        return !old || Number(old.version) <= d.version;
      });
      if (applied.length === 0) return 0;
      const delta = new Map<string, number>();
      const count = (words: string[], by: number) => {
        for (const word of words) delta.set(word, (delta.get(word) ?? 0) + by);
      };
      const rows = applied.map((d) => {
        const old = stored.get(d.courseId);
        if (old?.visible) count(old.words, -1);
        const words = documentWords(d);
        if (d.visible) count(words, +1);
        return {
          course_id: d.courseId,
          version: d.version,
          visible: d.visible,
          document: d,
          text_config: textConfigFor(d.language),
          title: d.title,
          level: d.level,
          language: d.language.toLowerCase(),
          category_id: d.category?.id ?? null,
          category_name: d.category?.name ?? null,
          price_amount: d.price.amount,
          instructor_id: d.instructor.id,
          published_at: d.publishedAt,
          a: d.title,
          b: [...d.moduleTitles, d.instructor.name, d.category?.name ?? ""].join("\n"),
          c: `${d.description}\n${d.level.toLowerCase()}`,
          d: d.articleText,
          words,
        };
      });
      await tx.execute(
        `INSERT INTO ${doc} AS stored (generation, course_id, version, visible, document, text_config, title, level, language,
           category_id, category_name, price_amount, instructor_id, published_at, search_vector, title_vector, words)
         SELECT $1, r.course_id, r.version, r.visible, r.document, r.text_config::regconfig, r.title, r.level, r.language,
           r.category_id, r.category_name, r.price_amount, r.instructor_id, r.published_at,
           setweight(to_tsvector(r.text_config::regconfig, r.a), 'A') || setweight(to_tsvector(r.text_config::regconfig, r.b), 'B')
             || setweight(to_tsvector(r.text_config::regconfig, r.c), 'C') || setweight(to_tsvector(r.text_config::regconfig, r.d), 'D'),
           to_tsvector('simple', r.title), r.words
         FROM jsonb_to_recordset($2::jsonb) AS r(course_id uuid, version bigint, visible boolean, document jsonb, text_config text,
           title text, level text, language text, category_id uuid, category_name text, price_amount integer, instructor_id uuid,
           published_at timestamptz, a text, b text, c text, d text, words text[])
         ON CONFLICT (generation, course_id) DO UPDATE SET
           version = EXCLUDED.version, visible = EXCLUDED.visible, document = EXCLUDED.document, text_config = EXCLUDED.text_config,
           title = EXCLUDED.title, level = EXCLUDED.level, language = EXCLUDED.language, category_id = EXCLUDED.category_id,
           category_name = EXCLUDED.category_name, price_amount = EXCLUDED.price_amount, instructor_id = EXCLUDED.instructor_id,
           published_at = EXCLUDED.published_at, search_vector = EXCLUDED.search_vector, title_vector = EXCLUDED.title_vector,
           words = EXCLUDED.words
         WHERE stored.version <= EXCLUDED.version`,
        [generation, JSON.stringify(rows)],
      );
      const changes = [...delta.entries()]
        .filter(([, by]) => by !== 0)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      if (changes.length > 0) {
        await tx.execute(
          `INSERT INTO ${term} AS t (generation, term, documents)
           SELECT $1, c.term, c.documents FROM unnest($2::text[], $3::int[]) AS c(term, documents)
           ON CONFLICT (generation, term) DO UPDATE SET documents = t.documents + EXCLUDED.documents`,
          [generation, changes.map(([word]) => word), changes.map(([, by]) => by)],
        );
        await tx.execute(`DELETE FROM ${term} WHERE generation = $1 AND term = ANY($2::text[]) AND documents <= 0`, [
          generation,
          changes.map(([word]) => word),
        ]);
      }
      return applied.length;
    });
    if (batch.some((d) => !this.languages?.configs.includes(textConfigFor(d.language)))) this.languages = undefined;
    return changed;
  }

  /** The text configurations a query goes through: those of the indexed languages, and `simple`. */
  private async queryConfigs(generation: number): Promise<string[]> {
    if (this.languages && Date.now() - this.languages.at < LANGUAGES_TTL_MS) return this.languages.configs;
    const rows = await this.db.query<{ language: string }>(
      `SELECT DISTINCT language FROM ${this.t.doc} WHERE generation = $1 AND visible`,
      [generation],
    );
    const configs = [...new Set(["english", ...rows.map((row) => textConfigFor(row.language)), "simple"])];
    this.languages = { configs, at: Date.now() };
    return configs;
  }

  /**
   * The tsquery for the text, as SQL over parameters (never the user's
   * characters inside the SQL): each word is the OR of its spellings (itself
   * and, when the vocabulary lacks it, its nearest known words) through every
   * configuration; the words and phrases are ANDed; stop words are dropped.
   * Each clause is made once, here, and deduplicated (most words stem alike
   * in most configurations): the statements get it as a tsquery constant the
   * planner can estimate. An OR of the same lexeme five times made it
   * expect five times the matches, and scan every document instead of
   * asking the GIN index.
   */
  private async prepareText(text: SearchText, generation: number): Promise<PreparedText | null> {
    if (isEmptySearch(text)) return null;
    const configs = await this.queryConfigs(generation);
    const corrections = await closestWords(this.db, this.t.term, generation, text.words);
    const items = [
      ...text.words.map((word) => ({ phrase: false, spellings: [word, ...(corrections.get(word) ?? [])] })),
      ...text.phrases.map((phrase) => ({ phrase: true, spellings: [phrase.join(" ")] })),
      ...text.excluded.map((word) => ({ phrase: false, spellings: [word] })),
    ];
    const spellings = items.flatMap((item, index) =>
      item.spellings.map((spelling, n) => ({ index, phrase: item.phrase, spelling, first: n === 0 })),
    );
    // a word is a stop word when a stemming configuration reduces it to nothing (the, for, und, les, …)
    const rows = await this.db.query<{ item: number; query: string | null; stop: boolean }>(
      `SELECT t.item,
         string_agg(DISTINCT '(' || r.query::text || ')', ' | ') FILTER (WHERE numnode(r.query) > 0) AS query,
         COALESCE(bool_or(t.first AND NOT t.phrase AND c.config <> 'simple' AND numnode(r.query) = 0), false) AS stop
       FROM unnest($1::int[], $2::boolean[], $3::text[], $4::boolean[]) AS t(item, phrase, spelling, first)
       CROSS JOIN unnest($5::text[]) AS c(config)
       CROSS JOIN LATERAL (SELECT CASE WHEN t.phrase THEN phraseto_tsquery(c.config::regconfig, t.spelling)
         ELSE plainto_tsquery(c.config::regconfig, t.spelling) END AS query) r
       GROUP BY t.item`,
      [
        spellings.map((s) => s.index),
        spellings.map((s) => s.phrase),
        spellings.map((s) => s.spelling),
        spellings.map((s) => s.first),
        configs,
      ],
    );
    const made = new Map(rows.map((row) => [Number(row.item), row]));
    const wordItems = text.words.map((_word, index) => index);
    // stop words are never required; a text of nothing else ("for the") constrains nothing, as on OpenSearch
    const words = wordItems.filter((index) => !made.get(index)?.stop);
    const phrases = text.phrases.map((_phrase, n) => text.words.length + n);
    const excluded = text.excluded.map((_word, n) => text.words.length + text.phrases.length + n);
    const queries = (indexes: number[]) =>
      indexes.map((index) => made.get(index)?.query).filter((query): query is string => Boolean(query));
    return {
      query(param) {
        const clauses = queries([...words, ...phrases]).map((query) => `${param(query)}::tsquery`);
        return clauses.length > 0 ? clauses.join(" && ") : null;
      },
      exclude(param) {
        return queries(excluded)
          .map((query) => ` AND NOT (search_vector @@ ${param(query)}::tsquery)`)
          .join("");
      },
    };
  }

  /**
   * The first field that shows a match, HTML-escaped with the matches marked:
   * the title, then modules/instructor/category, the description, the articles.
   */
  private async highlights(generation: number, courseIds: string[], text: PreparedText) {
    if (courseIds.length === 0) return new Map<string, string>();
    const params: unknown[] = [generation, courseIds];
    const query = text.query((value) => `$${params.push(value)}`);
    const escape = (sql: string) =>
      `replace(replace(replace(replace(${sql}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;')`;
    const headline = (sql: string, all = false) =>
      `ts_headline(text_config, ${escape(sql)}, q.query, '${all ? "StartSel=<mark>, StopSel=</mark>, HighlightAll=true" : HEADLINE}')`;
    const fields = [
      headline("title", true),
      headline(`array_to_string(ARRAY(SELECT jsonb_array_elements_text(document->'moduleTitles')), ' · ')
        || ' · ' || (document->'instructor'->>'name') || COALESCE(' · ' || category_name, '')`),
      headline(`document->>'description'`),
      headline(`document->>'articleText'`),
    ];
    // CASE evaluates lazily: the long article text is only highlighted when nothing else matched
    const rows = await this.db.query<{ course_id: string; highlight: string | null }>(
      `SELECT course_id, CASE ${fields.map((field) => `WHEN strpos(${field}, '<mark>') > 0 THEN ${field}`).join(" ")} END AS highlight
       FROM ${this.t.doc}, (SELECT ${query} AS query) q
       WHERE generation = $1 AND course_id = ANY($2::uuid[])`,
      params,
    );
    return new Map(rows.map((row) => [row.course_id, row.highlight ?? ""]));
  }

  /** Any failure to reach the database is the engine being unavailable, never the caller's fault. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof SearchEngineUnavailableError) throw error;
      throw new SearchEngineUnavailableError(`search index (postgres): ${(error as Error).message}`, { cause: error });
    }
  }
}

function filterConditions(
  filter: SearchFilter,
  param: (value: unknown) => string,
): Partial<Record<FacetField | "instructor", string>> {
  const where: Partial<Record<FacetField | "instructor", string>> = {};
  if (filter.categoryIds?.length) where.category = `category_id = ANY(${param(filter.categoryIds)}::uuid[])`;
  if (filter.levels?.length) where.level = `level = ANY(${param(filter.levels)}::text[])`;
  if (filter.languages?.length)
    where.language = `language = ANY(${param(filter.languages.map((l) => l.toLowerCase()))}::text[])`;
  if (filter.free !== undefined) where.free = filter.free ? `price_amount = 0` : `price_amount > 0`;
  if (filter.maxPrice !== undefined) where.priceBand = `price_amount <= ${param(filter.maxPrice)}::int`;
  if (filter.instructorId) where.instructor = `instructor_id = ${param(filter.instructorId)}::uuid`;
  return where;
}

function facetsFrom(rows: { field: string; value: string | null; label: string | null; count: number }[]): Facet[] {
  return FACET_FIELDS.map((field) => ({
    field,
    buckets: sortBuckets(
      field,
      rows
        .filter((row) => row.field === field && row.value !== null)
        .map((row) => ({
          value: row.value!,
          label: field === "category" ? (row.label ?? row.value!) : facetLabel(field, row.value!),
          count: row.count,
        })),
    ),
  }));
}
