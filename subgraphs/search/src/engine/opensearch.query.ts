/**
 * The request bodies the OpenSearch engine sends for a search and a
 * suggestion, and the reading of their answers. Structured queries only
 * (`multi_match`, `match_phrase` via `type: phrase`, `term`, `range`): the
 * user's words are values, never query_string syntax, so no character can
 * make the engine fail.
 */
import type {
  CourseHit,
  CourseSearchRequest,
  CourseSuggestion,
  Facet,
  FacetField,
  SearchFilter,
  SortPosition,
} from "./course-index";
import { FACET_FIELDS, facetLabel, PRICE_BANDS, sortBuckets } from "./facets";
import { FIELD_BOOSTS, TEXT_FIELDS, type StoredCourse, type TextField } from "./opensearch.mapping";
import type { SearchText } from "./search-text";

export type Query = Record<string, unknown>;

/** typos.ts's allowedEdits: none below 4 letters, 1 up to 6, 2 from 7 (transpositions count as one edit). */
export const FUZZINESS = "AUTO:4,7";
/** Known words a misspelt one may stand for, per field, when the clause budget allows. */
export const FUZZY_EXPANSIONS = 8;
/**
 * Lucene refuses a query of more than 1024 leaf queries (term, phrase, each
 * expansion of a fuzzy term; `indices.query.bool.max_clause_count`), counted
 * over the whole query. This leaves room for the filters.
 */
export const CLAUSE_BUDGET = 1000;
/** A term query's share of a word in the fields it does not score best in. */
const TIE_BREAKER = 0.3;
const MAX_FACET_BUCKETS = 1000;
const FRAGMENT = { fragment_size: 160, number_of_fragments: 2 };
const FRAGMENT_DELIMITER = " … ";

/**
 * Which stemmed languages a query goes through and how far typos expand,
 * chosen so the query stays within the clause budget.
 */
export interface QueryPlan {
  languages: string[];
  /** 0: no typo matching. */
  expansions: number;
}

/** The unstemmed copies, one per weight: where typos are forgiven. */
const WORD_FIELDS = [
  ...TEXT_FIELDS.map((field) => `words.${field}^${FIELD_BOOSTS[field]}`),
  `levelName.words^${FIELD_BOOSTS.description}`,
];

/** The stemmed fields of the given languages, with their boosts, and the level word (weighted as the description). */
function stemmedFields(languages: readonly string[], boosted = true): string[] {
  const boost = (field: TextField) => (boosted ? `^${FIELD_BOOSTS[field]}` : "");
  return [
    ...languages.flatMap((language) => TEXT_FIELDS.map((field) => `text.${language}.${field}${boost(field)}`)),
    `levelName${boosted ? `^${FIELD_BOOSTS.description}` : ""}`,
  ];
}

/**
 * Han and Hiragana are split into one token per character by the standard
 * tokenizer: such a word is several terms, matched as a phrase of them
 * (one leaf per field) and never corrected (a one-letter term has no typos).
 */
const SPLIT_PER_CHARACTER = /[\p{Script=Han}\p{Script=Hiragana}]/u;
const isOneTerm = (word: string) => word.length === 1 || !SPLIT_PER_CHARACTER.test(word);

/** Leaf queries of the text's query under a plan (one per field and term; a phrase is one). */
export function clauseCount(text: SearchText, plan: QueryPlan): number {
  const stemmed = stemmedFields(plan.languages).length;
  const fuzzy = plan.expansions > 0 ? WORD_FIELDS.length * plan.expansions : 0;
  return (
    text.words.reduce((sum, word) => sum + stemmed + (isOneTerm(word) ? fuzzy : 0), 0) +
    text.phrases.length * (stemmed + WORD_FIELDS.length) +
    text.excluded.length * stemmed
  );
}

/**
 * Every language and typo expansion the budget allows. Past it (many words
 * and many languages) typos expand less, then the least common languages'
 * stemmers are left out, then typos are: one language without typos always fits
 * (16 words × 5 fields).
 */
export function planQuery(text: SearchText, languages: readonly string[]): QueryPlan {
  const candidates: QueryPlan[] = [
    ...[FUZZY_EXPANSIONS, 4, 2].map((expansions) => ({ languages: [...languages], expansions })),
    ...languages.slice(1).map((_, i) => ({ languages: languages.slice(0, languages.length - 1 - i), expansions: 2 })),
    ...[1, 0].map((expansions) => ({ languages: languages.slice(0, 1), expansions })),
  ];
  return candidates.find((plan) => clauseCount(text, plan) <= CLAUSE_BUDGET) ?? candidates.at(-1)!;
}

/**
 * One word, required: its stems in any language's fields, or (forgiving
 * typos) the word itself. A word the analyzer of some language drops as a
 * stop word ("for", "the", "die") yields no terms there, and
 * `zero_terms_query: all` then lets every course through: stop words are not
 * required, exactly when PostgreSQL's configurations would drop them.
 */
function wordQuery(word: string, plan: QueryPlan): Query {
  const stemmed = {
    multi_match: {
      query: word,
      fields: stemmedFields(plan.languages),
      // one term (the usual) is a term query; a word of several terms (日本語) needs them in order
      type: "phrase",
      zero_terms_query: "all",
    },
  };
  if (plan.expansions === 0 || !isOneTerm(word)) return stemmed;
  return {
    dis_max: {
      tie_breaker: TIE_BREAKER,
      queries: [
        stemmed,
        {
          multi_match: {
            query: word,
            fields: WORD_FIELDS,
            type: "best_fields",
            tie_breaker: TIE_BREAKER,
            fuzziness: FUZZINESS,
            fuzzy_transpositions: true,
            prefix_length: 0,
            max_expansions: plan.expansions,
          },
        },
      ],
    },
  };
}

/** A quoted phrase: its words in order, stemmed or as written, never corrected. */
function phraseQuery(phrase: string[], plan: QueryPlan): Query {
  const query = phrase.join(" ");
  return {
    dis_max: {
      tie_breaker: TIE_BREAKER,
      queries: [
        { multi_match: { query, fields: stemmedFields(plan.languages), type: "phrase", zero_terms_query: "all" } },
        { multi_match: { query, fields: WORD_FIELDS, type: "phrase" } },
      ],
    },
  };
}

/** `-word`: any course containing a stem of it goes (stop words exclude nothing; typos are not guessed at). */
function excludedQuery(word: string, plan: QueryPlan): Query {
  return { multi_match: { query: word, fields: stemmedFields(plan.languages, false), type: "phrase" } };
}

type FilterKey = FacetField | "instructor";

/** Each filter of the request as a query, keyed by the facet it narrows (so that facet can leave it out). */
function filterQueries(filter: SearchFilter): Partial<Record<FilterKey, Query>> {
  const where: Partial<Record<FilterKey, Query>> = {};
  if (filter.categoryIds?.length) where.category = { terms: { categoryId: filter.categoryIds } };
  if (filter.levels?.length) where.level = { terms: { level: filter.levels } };
  if (filter.languages?.length) where.language = { terms: { language: filter.languages.map((l) => l.toLowerCase()) } };
  if (filter.free !== undefined)
    where.free = filter.free ? { term: { priceAmount: 0 } } : { range: { priceAmount: { gt: 0 } } };
  if (filter.maxPrice !== undefined) where.priceBand = { range: { priceAmount: { lte: filter.maxPrice } } };
  if (filter.instructorId) where.instructor = { term: { instructorId: filter.instructorId } };
  return where;
}

const allOf = (queries: Query[]): Query => (queries.length === 0 ? { match_all: {} } : { bool: { filter: queries } });

/** The bucketing of each facet, inside a `filter` aggregation of every filter but its own. */
function facetAggregation(field: FacetField): Query {
  switch (field) {
    case "category":
      // a category's label is its name, kept beside the id in each course
      return {
        terms: { field: "categoryId", size: MAX_FACET_BUCKETS },
        aggs: { name: { terms: { field: "categoryName", size: 1 } } },
      };
    case "level":
      return { terms: { field: "level", size: MAX_FACET_BUCKETS } };
    case "language":
      return { terms: { field: "language", size: MAX_FACET_BUCKETS } };
    case "priceBand":
      // `to` is exclusive, the bands' max inclusive
      return {
        range: {
          field: "priceAmount",
          ranges: PRICE_BANDS.map((band) => ({
            key: band.value,
            from: band.min,
            ...(band.max === null ? {} : { to: band.max + 1 }),
          })),
        },
      };
    case "free":
      // the same split as the `free` filter: 0 is free, above 0 is paid
      return {
        range: {
          field: "priceAmount",
          ranges: [
            { key: "true", from: 0, to: 1 },
            { key: "false", from: 1 },
          ],
        },
      };
  }
}

/** Whether the text asks for something (words or phrases), so hits are ranked and highlighted; "-java" alone only leaves out. */
export const hasPositiveText = (text: SearchText) => text.words.length > 0 || text.phrases.length > 0;

/**
 * The unified highlighter builds a Levenshtein automaton for every fuzzy
 * query and every highlighted field (large ones for two edits; built anew per
 * field and request): 16 words × 5 fuzzy fields × 64 wildcard-matched fields
 * ran a 512 MB node out of heap. So the
 * highlight has its own query, one fuzzy term per word and only the planned
 * languages' fields, and no typo marks past this many automata.
 */
const MAX_HIGHLIGHT_AUTOMATA = 128;

/**
 * Marks what the words matched: their stems (from every language's analysis,
 * `require_field_match: false`), their corrections and the phrases, in the
 * course's own fields, HTML-escaped around the marks.
 */
function highlight(text: SearchText, plan: QueryPlan): Query {
  const fields = plan.languages.flatMap((language) => TEXT_FIELDS.map((field) => `text.${language}.${field}`));
  const corrected = plan.expansions > 0 ? text.words.filter(isOneTerm) : [];
  const typos = corrected.length * fields.length <= MAX_HIGHLIGHT_AUTOMATA ? corrected : [];
  const stemmed = stemmedFields(plan.languages, false);
  return {
    // the course's own text is HTML-escaped, only the <mark> tags are markup
    encoder: "html",
    pre_tags: ["<mark>"],
    post_tags: ["</mark>"],
    require_field_match: false,
    highlight_query: {
      bool: {
        should: [
          ...text.words.map((query) => ({ multi_match: { query, fields: stemmed, type: "phrase" } })),
          // the field only carries the typo; without require_field_match it marks the correction in any field
          ...typos.map((query) => ({
            match: {
              "words.title": {
                query,
                fuzziness: FUZZINESS,
                fuzzy_transpositions: true,
                max_expansions: plan.expansions,
              },
            },
          })),
          ...text.phrases.map((phrase) => ({
            multi_match: { query: phrase.join(" "), fields: stemmed, type: "phrase" },
          })),
        ],
      },
    },
    fields: Object.fromEntries(
      fields.map((field) => [
        field,
        field.endsWith(".title") || field.endsWith(".outline") ? { number_of_fragments: 0 } : FRAGMENT,
      ]),
    ),
  };
}

/**
 * The one request of a search: hits, total and facets. Filters that have a
 * facet go into `post_filter`, so the aggregations see the text's matches
 * before them and each facet applies all but its own; the visibility and
 * instructor filters (no facet) narrow the query itself.
 */
export function searchBody(request: CourseSearchRequest, languages: readonly string[]): Query {
  const { text } = request;
  const plan = planQuery(text, languages);
  const positive = hasPositiveText(text);
  const clauses = [...text.words.map((w) => wordQuery(w, plan)), ...text.phrases.map((p) => phraseQuery(p, plan))];
  const { instructor, ...faceted } = filterQueries(request.filter);
  const except = (field: FacetField) =>
    allOf(
      Object.entries(faceted)
        .filter(([key]) => key !== field)
        .map(([, query]) => query),
    );
  const postFilter = Object.values(faceted);
  return {
    size: request.first + 1,
    track_total_hits: true,
    _source: false,
    query: {
      bool: {
        ...(clauses.length ? { must: clauses } : {}),
        ...(text.excluded.length ? { must_not: text.excluded.map((w) => excludedQuery(w, plan)) } : {}),
        filter: [{ term: { visible: true } }, ...(instructor ? [instructor] : [])],
      },
    },
    ...(postFilter.length ? { post_filter: allOf(postFilter) } : {}),
    // an empty text lists newest first; the course id makes either order total, so pages never overlap
    sort: positive ? [{ _score: "desc" }, { courseId: "asc" }] : [{ publishedMillis: "desc" }, { courseId: "asc" }],
    ...(request.after ? { search_after: [...request.after] } : {}),
    aggs: Object.fromEntries(
      FACET_FIELDS.map((field) => [field, { filter: except(field), aggs: { values: facetAggregation(field) } }]),
    ),
    ...(positive ? { highlight: highlight(text, plan) } : {}),
  };
}

export interface SearchResponseBody {
  hits: {
    total?: { value: number } | number;
    hits: { _id: string; sort?: (string | number)[]; highlight?: Record<string, string[]> }[];
  };
  aggregations?: Record<string, { values: { buckets: FacetBucketBody[] } }>;
}

interface FacetBucketBody {
  key: string | number;
  doc_count: number;
  name?: { buckets: { key: string }[] };
}

/** The first field with a match, in weight order; "" when only the level or a stop word matched (as PostgreSQL). */
function highlightOf(highlight: Record<string, string[]> | undefined): string {
  for (const field of TEXT_FIELDS) {
    const fragments = Object.entries(highlight ?? {}).find(([name]) => name.endsWith(`.${field}`))?.[1];
    if (fragments?.some((fragment) => fragment.includes("<mark>"))) return fragments.join(FRAGMENT_DELIMITER);
  }
  return "";
}

export function readSearch(body: SearchResponseBody, request: CourseSearchRequest) {
  const positive = hasPositiveText(request.text);
  const total = body.hits.total;
  const hits = body.hits.hits.slice(0, request.first).map((hit): CourseHit => ({
    courseId: hit._id,
    highlight: positive ? highlightOf(hit.highlight) : null,
    position: (hit.sort ?? []) as SortPosition,
  }));
  const facets: Facet[] = FACET_FIELDS.map((field) => ({
    field,
    buckets: sortBuckets(
      field,
      (body.aggregations?.[field]?.values.buckets ?? []).map((bucket) => {
        const value = String(bucket.key);
        return {
          value,
          label: field === "category" ? (bucket.name?.buckets[0]?.key ?? value) : facetLabel(field, value),
          count: bucket.doc_count,
        };
      }),
    ),
  }));
  return {
    totalCount: typeof total === "number" ? total : (total?.value ?? 0),
    hits,
    facets,
    hasNextPage: body.hits.hits.length > request.first,
  };
}

/** Words of a suggestion prefix, as search-text.ts takes a query apart. */
export const prefixWords = (prefix: string) =>
  prefix
    .normalize("NFKC")
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * Visible courses whose title has a word starting with each word typed;
 * titles that start with the whole prefix score 1, the rest 0, then shorter
 * titles, newer courses, the id (PostgreSQL's order).
 */
export function suggestBody(words: string[], limit: number): Query {
  return {
    size: limit,
    _source: ["document.title"],
    query: {
      bool: {
        filter: [{ term: { visible: true } }, { match: { titlePrefix: { query: words.join(" "), operator: "and" } } }],
        should: [{ constant_score: { filter: { prefix: { titleStart: words.join(" ") } }, boost: 1 } }],
      },
    },
    sort: [{ _score: "desc" }, { titleLength: "asc" }, { publishedMillis: "desc" }, { courseId: "asc" }],
  };
}

export interface SuggestResponseBody {
  hits: { hits: { _id: string; _source?: Pick<StoredCourse, "document"> }[] };
}

export const readSuggest = (body: SuggestResponseBody): CourseSuggestion[] =>
  body.hits.hits.map((hit) => ({ courseId: hit._id, title: hit._source?.document.title ?? "" }));

/** The distinct `text.<key>` of the visible courses, most courses first: the languages a query goes through. */
export const languagesBody = (): Query => ({
  size: 0,
  query: { term: { visible: true } },
  aggs: { languages: { terms: { field: "textLanguage", size: MAX_FACET_BUCKETS } } },
});

export interface LanguagesResponseBody {
  aggregations?: { languages: { buckets: { key: string }[] } };
}
