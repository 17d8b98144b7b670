/**
 * The OpenSearch index of courses: its settings, analyzers and mapping, and
 * the document stored for a course. Explicit and strict (`dynamic: strict`),
 * so a field nobody mapped is a write error, not a silently guessed type.
 *
 * Stemming per course language is a per-document choice: a course's text goes
 * into `text.<language>.*`, whose fields are analyzed with that language's
 * stop words and stemmer (as PostgreSQL stems a row with its own text search
 * configuration). A query goes through the fields of every language in the
 * index. Every `text.*` field is also copied (`copy_to`) into one unstemmed
 * `words.*` field per weight, which typo matching (`fuzziness`) runs on, since
 * a stem is no word to correct ("begginer" is one edit from "beginner", three
 * from its stem "beginn").
 */
import type { CourseDocument } from "./course-index";

/** A course's searchable text by weight (PostgreSQL's A, B, C, D): title > modules, instructor, category > description, level > articles. */
export const TEXT_FIELDS = ["title", "outline", "description", "articles"] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

/** Field boosts in the ratio of the PostgreSQL engine's ts_rank weights {0.05, 0.2, 0.4, 1.0}. */
export const FIELD_BOOSTS: Record<TextField, number> = { title: 20, outline: 8, description: 4, articles: 1 };

/** Languages without a stemmer of their own are only lower-cased and folded, as PostgreSQL's `simple`. */
export const SIMPLE = "simple";

interface LanguageAnalysis {
  /** Filters before the shared `lowercase` (elision of l', d', …; Turkish lower-cases its own way). */
  before?: string[];
  stopwords: string;
  stemmer: string;
  /** Between stop words and stemmer. */
  normalize?: string[];
}

/**
 * ISO 639-1 → OpenSearch's built-in analysis of that language (the chain of
 * its `<language>` analyzer, with the light stemmers where it uses them),
 * followed by `asciifolding` so "ubung" finds "Übungen" and "cafe" finds "café".
 * The same languages as the PostgreSQL engine's text search configurations.
 */
const LANGUAGES: Record<string, LanguageAnalysis> = {
  en: { before: ["course_english_possessive"], stopwords: "_english_", stemmer: "english" },
  de: { stopwords: "_german_", normalize: ["german_normalization"], stemmer: "light_german" },
  fr: { before: ["course_french_elision"], stopwords: "_french_", stemmer: "light_french" },
  es: { stopwords: "_spanish_", stemmer: "light_spanish" },
  it: { before: ["course_italian_elision"], stopwords: "_italian_", stemmer: "light_italian" },
  pt: { stopwords: "_portuguese_", stemmer: "light_portuguese" },
  nl: { stopwords: "_dutch_", stemmer: "dutch" },
  sv: { stopwords: "_swedish_", stemmer: "swedish" },
  da: { stopwords: "_danish_", stemmer: "danish" },
  no: { stopwords: "_norwegian_", stemmer: "norwegian" },
  fi: { stopwords: "_finnish_", stemmer: "finnish" },
  ru: { stopwords: "_russian_", stemmer: "russian" },
  hu: { stopwords: "_hungarian_", stemmer: "hungarian" },
  ro: { stopwords: "_romanian_", stemmer: "romanian" },
  tr: { before: ["apostrophe", "course_turkish_lowercase"], stopwords: "_turkish_", stemmer: "turkish" },
};
const ALIASES: Record<string, string> = { nb: "no" };

/** The `text.<key>` a course's text goes into: its language when stemmed, else `simple`. */
export function textLanguageOf(language: string): string {
  const code = language.toLowerCase();
  const key = ALIASES[code] ?? code;
  return key in LANGUAGES ? key : SIMPLE;
}

/** Longer words are cut to this in the suggestion prefix field and its queries (a prefix of 20 letters is specific enough). */
const MAX_PREFIX = 20;

const analyzerOf = (key: string) => (key === SIMPLE ? "course_words" : `course_text_${key}`);

export function indexSettings() {
  const filter: Record<string, Record<string, unknown>> = {
    course_english_possessive: { type: "stemmer", language: "possessive_english" },
    course_french_elision: {
      type: "elision",
      articles_case: true,
      articles: ["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"],
    },
    course_italian_elision: {
      type: "elision",
      articles: [
        "c",
        "l",
        "all",
        "dall",
        "dell",
        "nell",
        "sull",
        "coll",
        "pell",
        "gl",
        "agl",
        "dagl",
        "degl",
        "negl",
        "sugl",
        "un",
        "m",
        "t",
        "s",
        "v",
        "d",
      ],
    },
    course_turkish_lowercase: { type: "lowercase", language: "turkish" },
    course_prefixes: { type: "edge_ngram", min_gram: 1, max_gram: MAX_PREFIX },
    course_prefix_length: { type: "truncate", length: MAX_PREFIX },
  };
  const analyzer: Record<string, Record<string, unknown>> = {
    // unstemmed words, every stop word kept: typo matching and the suggestion prefixes start from these
    course_words: { type: "custom", tokenizer: "standard", filter: ["lowercase", "asciifolding"] },
    // each title word's prefixes ("pyt" is indexed for Python); the query side only cuts long words to the longest prefix
    course_prefix: { type: "custom", tokenizer: "standard", filter: ["lowercase", "asciifolding", "course_prefixes"] },
    course_prefix_query: {
      type: "custom",
      tokenizer: "standard",
      filter: ["lowercase", "asciifolding", "course_prefix_length"],
    },
  };
  for (const [key, language] of Object.entries(LANGUAGES)) {
    filter[`course_${key}_stop`] = { type: "stop", stopwords: language.stopwords };
    filter[`course_${key}_stemmer`] = { type: "stemmer", language: language.stemmer };
    const lowercase = language.before?.includes("course_turkish_lowercase") ? [] : ["lowercase"];
    analyzer[analyzerOf(key)] = {
      type: "custom",
      tokenizer: "standard",
      filter: [
        ...(language.before ?? []),
        ...lowercase,
        `course_${key}_stop`,
        ...(language.normalize ?? []),
        `course_${key}_stemmer`,
        "asciifolding",
      ],
    };
  }
  return {
    // one shard: a catalog is small, and one shard's term statistics make scores (and so `search_after` on them) exact
    number_of_shards: 1,
    // a replica wherever there is a second node; a single node stays green
    auto_expand_replicas: "0-1",
    refresh_interval: "1s",
    analysis: {
      filter,
      analyzer,
      normalizer: { course_title: { type: "custom", filter: ["lowercase", "asciifolding"] } },
    },
  };
}

export function indexMappings() {
  const text = (key: string, field: TextField) => ({
    type: "text",
    analyzer: analyzerOf(key),
    copy_to: [`words.${field}`, ...(field === "title" ? ["titlePrefix", "titleStart"] : [])],
  });
  const words = { type: "text", analyzer: "course_words" };
  return {
    dynamic: "strict",
    properties: {
      courseId: { type: "keyword" },
      version: { type: "long" },
      visible: { type: "boolean" },
      /** The course's language code (facet and filter). */
      language: { type: "keyword" },
      /** Which `text.<key>` holds the course's text (a stemmed language or `simple`). */
      textLanguage: { type: "keyword" },
      level: { type: "keyword" },
      /** The level as a word ("beginner"), found with the description's weight; levels are named in English. */
      levelName: { type: "text", analyzer: analyzerOf("en"), fields: { words } },
      categoryId: { type: "keyword" },
      categoryName: { type: "keyword" },
      instructorId: { type: "keyword" },
      /** Minor units; long, not scaled_float (search_after and sorting on scaled_float are broken in 2.19). */
      priceAmount: { type: "long" },
      /** The order of an empty query; 0 for a course never published (PostgreSQL's COALESCE(epoch, 0)). */
      publishedMillis: { type: "long" },
      titleLength: { type: "integer" },
      /** Prefixes of the title's words (suggestions). */
      titlePrefix: { type: "text", analyzer: "course_prefix", search_analyzer: "course_prefix_query" },
      /** The whole title, lower-cased and folded: "titles starting with the prefix first". */
      titleStart: { type: "keyword", normalizer: "course_title", ignore_above: 512 },
      text: {
        properties: Object.fromEntries(
          [...Object.keys(LANGUAGES), SIMPLE].map((key) => [
            key,
            { properties: Object.fromEntries(TEXT_FIELDS.map((field) => [field, text(key, field)])) },
          ]),
        ),
      },
      words: { properties: Object.fromEntries(TEXT_FIELDS.map((field) => [field, words])) },
      /** The document as written, returned by `get` (neither indexed nor parsed). */
      document: { type: "object", enabled: false },
    },
  };
}

/** What OpenSearch stores for a course (`_source`). */
export interface StoredCourse {
  courseId: string;
  version: number;
  visible: boolean;
  language: string;
  textLanguage: string;
  level: string;
  levelName: string;
  categoryId: string | null;
  categoryName: string | null;
  instructorId: string;
  priceAmount: number;
  publishedMillis: number;
  titleLength: number;
  text: Record<string, Record<TextField, string>>;
  document: CourseDocument;
}

/** Between module titles, instructor and category: a separator the tokenizer drops, readable in a highlight. */
const OUTLINE_SEPARATOR = " · ";

export function storedCourse(document: CourseDocument): StoredCourse {
  const textLanguage = textLanguageOf(document.language);
  return {
    courseId: document.courseId,
    version: document.version,
    visible: document.visible,
    language: document.language.toLowerCase(),
    textLanguage,
    level: document.level,
    levelName: document.level.toLowerCase(),
    categoryId: document.category?.id ?? null,
    categoryName: document.category?.name ?? null,
    instructorId: document.instructor.id,
    priceAmount: document.price.amount,
    publishedMillis: document.publishedAt ? Date.parse(document.publishedAt) : 0,
    titleLength: [...document.title].length,
    text: {
      [textLanguage]: {
        title: document.title,
        outline: [
          ...document.moduleTitles,
          document.instructor.name,
          ...(document.category ? [document.category.name] : []),
        ].join(OUTLINE_SEPARATOR),
        description: document.description,
        articles: document.articleText,
      },
    },
    document,
  };
}
