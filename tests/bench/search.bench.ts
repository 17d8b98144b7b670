import { createHash } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { signedIdentityHeaders } from "@campus/auth";
import type { Database } from "@campus/database";
import { CATEGORIES } from "@campus/embedded/src/seed/catalog-data";
import type { Backend, TestCampus } from "../support";
import {
  BACKEND_LABELS,
  cpuBetween,
  forkClient,
  machineCpu,
  ms,
  now,
  percentile,
  postgresCpu,
  serveClientJobs,
  sortedOf,
} from "./bench-client";
import { runBenchmark } from "./bench-process";

/**
 * Course search on a 10,000-course catalog (docs/search.md), with the
 * operations of schema/operations/discovery.graphql as written there:
 *
 *   router     `SearchCourses` through the router as clients send it (search,
 *              then catalog's and identity's `_entities` for the nodes),
 *              anonymous, with a mix of queries people type: single words,
 *              two words, typos ("pyhton"), a quoted phrase, an empty query
 *              with a filter, words with filters (level, category, free,
 *              maxPrice); and `SuggestCourses` with 2–6 letter prefixes.
 *              BENCH_CONNECTIONS requests in flight for BENCH_SECONDS each,
 *              after BENCH_WARMUP_SECONDS of warm-up on the same mix.
 *   subgraph   the same mix and prefixes POSTed straight to the search
 *              subgraph, signed as the router signs an anonymous caller
 *              (`signedIdentityHeaders` with INTERNAL_AUTH_SECRET), in the
 *              shape the router's query plan sends (the nodes as references):
 *              BENCH_SUBGRAPH_REQUESTS of each kind one at a time, the figure
 *              the targets apply to, then as many BENCH_SUBGRAPH_CONCURRENCY
 *              at a time (printed only: on PGlite, one connection, they
 *              queue behind each other).
 *   freshness  BENCH_FRESHNESS_ROUNDS times, through the router: a course is
 *              created, given a module and published (CreateCourse,
 *              AddModule, PublishCourse); SearchCourses is polled every 20 ms
 *              for a word only its title has until it is found; its title is
 *              edited (updateCourse) and polled until the new title's word
 *              finds it; it is archived and polled until that word finds
 *              nothing. Each time counts from the mutation's answer to the
 *              first poll answered with the change; catalog's outbox, the
 *              event transport, search's consumer and its indexer are all on
 *              the path.
 *
 * Setup, not timed in the figures: BENCH_COURSES (10,000) PUBLISHED courses
 * with 3–8 modules each are INSERTed with SQL into catalog's own tables
 * (Category, Course, Module), generated deterministically from
 * infra/embedded/src/seed/catalog-data.ts's categories and a larger
 * vocabulary here (titles, descriptions and module titles in English, and a
 * few in German, French and Spanish; levels, prices, categories, publication
 * dates), owned by a dozen instructors registered through the API so their
 * names resolve. Publishing them one by one through the API (three
 * mutations and their events per course) would take tens of minutes. The SQL insert bypasses catalog's outbox, so search hears of
 * none of them: it loads them as an operator would after an import, an admin
 * calling `rebuildSearchIndex` (which reads catalog, content and identity
 * over their APIs) and following `searchIndexStatus` until SUCCEEDED; the
 * rebuild's time and courses/s are printed, and its two phases (the bench
 * wraps the index's startRebuild, in this process, to see when the facts are
 * reloaded and the new generation is opened). Then `searchCourses(query: "")`
 * must count every course, and each query of the mix is run once and its
 * totalCount printed (a query that should find courses and finds none fails
 * the run). The index's size on disk is printed at the end.
 *
 * Printed per backend: the rebuild's time and its two phases (facts
 * reloaded, documents written); requests/s and p50/p95 through the router
 * (and by kind of query), CPU per request of the Campus process (router,
 * subgraphs and PGlite share it), of PostgreSQL's connections to the bench's
 * database when PostgreSQL runs on this machine, and how busy the machine
 * was; p50/p95 at the subgraph by kind, with the same CPU figures and the
 * load average (on a shared machine the wall clock mostly measures the
 * neighbours; CPU per request does not); freshness p50/max. Runs on PGlite
 * (embedded) always and on PostgreSQL + Redis when TEST_POSTGRES_URL and
 * TEST_REDIS_URL are set; the PostgreSQL run is skipped with the reason
 * printed otherwise. When OPENSEARCH_URL is set too (`pnpm servers start
 * opensearch`), PostgreSQL runs twice: with its own engine, then with the
 * index on OpenSearch, so both engines' figures print side by side.
 *
 * Targets, on the embedded engine (the issue's): at the subgraph, search p95
 * ≤ 50 ms and suggest p95 ≤ 20 ms; freshness (published, edited, archived)
 * ≤ 2 s. As in checkout.bench.ts, a target is held on its backend only (the
 * PostgreSQL figures are compared and printed for reference), each prints a
 * PASS: or FAIL: line, and a FAIL exits 1, as does any error response.
 *
 * Run: `pnpm bench search`, or node -r @swc-node/register
 * tests/bench/search.bench.ts. BENCH_COURSES (10000), BENCH_CONNECTIONS (10),
 * BENCH_BACKENDS (all; e.g. `postgres` for the PostgreSQL runs only),
 * BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (2), BENCH_SUBGRAPH_REQUESTS
 * (500), BENCH_SUBGRAPH_CONCURRENCY (4) and BENCH_FRESHNESS_ROUNDS (10)
 * override the defaults.
 */

const COURSES = Number(process.env.BENCH_COURSES ?? 10_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const SUBGRAPH_REQUESTS = Number(process.env.BENCH_SUBGRAPH_REQUESTS ?? 500);
const SUBGRAPH_CONCURRENCY = Number(process.env.BENCH_SUBGRAPH_CONCURRENCY ?? 4);
const FRESHNESS_ROUNDS = Number(process.env.BENCH_FRESHNESS_ROUNDS ?? 10);
/** Subgraph requests of each kind sent (not counted) before the measured ones. */
const SUBGRAPH_WARMUP = 50;
const TARGET_SEARCH_P95_MS = 50;
const TARGET_SUGGEST_P95_MS = 20;
const TARGET_FRESHNESS_MS = 2000;
const FRESHNESS_POLL_MS = 20;
const FRESHNESS_TIMEOUT_MS = 30_000;
const REBUILD_TIMEOUT_MS = 30 * 60_000;
/** Rows per INSERT statement when loading the catalog. */
const INSERT_BATCH = 1000;

const write = (line = "") => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- the operations -----------------------------------------------------------------

/**
 * What the router's query plan sends the search subgraph for the operations
 * of discovery.graphql: search's own fields, the nodes as references (their
 * titles, slugs and instructors come from catalog and identity afterwards).
 */
const SUBGRAPH_SEARCH = `query SearchCourses__search__0($query: String!, $first: Int, $after: String, $filter: SearchFilter) {
  searchCourses(query: $query, first: $first, after: $after, filter: $filter) {
    totalCount
    edges { cursor highlight node { __typename id } }
    facets { field buckets { value label count } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const SUBGRAPH_SUGGEST = `query SuggestCourses__search__0($prefix: String!) {
  suggestCourses(prefix: $prefix) { text course { __typename id } }
}`;
const UPDATE_COURSE = `mutation UpdateCourse($id: ID!, $input: UpdateCourseInput!) { updateCourse(id: $id, input: $input) { id } }`;
const ARCHIVE_COURSE = `mutation ArchiveCourse($id: ID!) { archiveCourse(id: $id) { id } }`;
const REBUILD = `mutation RebuildSearchIndex { rebuildSearchIndex { id state } }`;
const STATUS = `query SearchIndexStatus {
  searchIndexStatus { engine backlog lastRebuild { id state coursesRead documentsWritten error } }
}`;

interface MixEntry {
  kind: string;
  variables: { query: string; filter?: Record<string, unknown> };
  /** Whether the catalog must have courses for it (checked once before measuring). */
  finds: boolean;
}

/** The query mix: what people type, as kinds of query; each connection goes round it in turn. */
function searchMix(categoryIds: Map<string, string>): MixEntry[] {
  const category = (name: string) => categoryIds.get(name)!;
  const entry = (kind: string, query: string, filter?: Record<string, unknown>): MixEntry => ({
    kind,
    variables: filter ? { query, filter } : { query },
    finds: true,
  });
  return [
    entry("one word", "python"),
    entry("one word", "photography"),
    entry("one word", "negotiation"),
    entry("one word", "guitar"),
    entry("one word", "statistics"),
    entry("two words", "machine learning"),
    entry("two words", "spanish grammar"),
    entry("two words", "street photography"),
    entry("two words", "portrait lighting"),
    entry("typo", "pyhton"),
    entry("typo", "photograpy"),
    entry("typo", "statistcs"),
    entry("typo", "pyhton for begginers"),
    entry("phrase", '"machine learning"'),
    entry("phrase", '"music theory"'),
    entry("empty + filter", "", { levels: ["BEGINNER"] }),
    entry("empty + filter", "", { categoryIds: [category("Design")] }),
    entry("empty + filter", "", { free: true }),
    entry("words + filter", "python", { levels: ["ADVANCED"] }),
    entry("words + filter", "design", { free: true }),
    entry("words + filter", "guitar", { categoryIds: [category("Music")] }),
    entry("words + filter", "investing", { maxPrice: 3000 }),
  ];
}

/** As-you-type prefixes, 2 to 6 letters. */
const PREFIXES = [
  "py",
  "pyt",
  "pyth",
  "pytho",
  "python",
  "gu",
  "gui",
  "guit",
  "guita",
  "ma",
  "mas",
  "mast",
  "maste",
  "master",
  "st",
  "sta",
  "stat",
  "ph",
  "pho",
  "phot",
  "photo",
  "ja",
  "jaz",
  "jazz",
  "de",
  "des",
  "desi",
  "design",
  "in",
  "int",
  "intro",
  "sp",
  "spa",
  "span",
  "spani",
];

// ---- the catalog: generated deterministically, inserted with SQL -----------------------

interface Vocabulary {
  subjects: string[];
  /** What the courses teach, in the descriptions and module titles. */
  topics: string[];
  audiences: string[];
}

/** More subjects than the demo seed's, per category of infra/embedded/src/seed/catalog-data.ts. */
const VOCABULARY: Record<string, Vocabulary> = {
  Programming: {
    subjects: [
      "TypeScript",
      "JavaScript",
      "Rust",
      "Go",
      "Python",
      "Kotlin",
      "Java",
      "C++",
      "GraphQL APIs",
      "Testing",
      "Algorithms",
      "Distributed Systems",
      "Django",
      "React",
      "Node.js",
      "PostgreSQL",
      "Docker",
      "Kubernetes",
    ],
    topics: [
      "types and functions",
      "error handling",
      "unit testing",
      "concurrency",
      "performance tuning",
      "debugging",
      "code review",
      "packaging and deployment",
      "data structures",
      "web services",
    ],
    audiences: ["developers", "backend engineers", "career changers", "students", "data engineers"],
  },
  "Data Science": {
    subjects: [
      "Statistics",
      "Pandas",
      "Machine Learning",
      "SQL Analytics",
      "Data Visualisation",
      "Time Series",
      "Deep Learning",
      "Bayesian Statistics",
      "Natural Language Processing",
      "Experiment Design",
      "Spark",
    ],
    topics: [
      "regression",
      "probability",
      "feature engineering",
      "model evaluation",
      "data cleaning",
      "dashboards",
      "hypothesis testing",
      "forecasting",
      "neural networks",
      "clustering",
    ],
    audiences: ["analysts", "researchers", "engineers", "product managers", "students"],
  },
  Design: {
    subjects: [
      "Typography",
      "Figma",
      "Colour Theory",
      "UX Research",
      "Design Systems",
      "Illustration",
      "Logo Design",
      "Interaction Design",
      "Accessibility",
      "Motion Design",
    ],
    topics: [
      "layout and grids",
      "user interviews",
      "prototyping",
      "visual hierarchy",
      "components",
      "usability testing",
      "brand identity",
      "sketching",
    ],
    audiences: ["designers", "developers", "founders", "freelancers", "students"],
  },
  Business: {
    subjects: [
      "Product Management",
      "Negotiation",
      "Marketing",
      "Accounting Basics",
      "Leadership",
      "Startups",
      "Sales",
      "Project Management",
      "Public Speaking",
      "Business Strategy",
    ],
    topics: [
      "roadmaps",
      "pricing",
      "hiring",
      "budgets",
      "stakeholder management",
      "growth",
      "customer interviews",
      "presentations",
      "contracts",
    ],
    audiences: ["managers", "founders", "team leads", "freelancers", "consultants"],
  },
  Languages: {
    subjects: ["Spanish", "Japanese", "German", "French", "Mandarin", "Portuguese", "Italian", "Korean", "Arabic"],
    topics: [
      "grammar",
      "pronunciation",
      "vocabulary",
      "conversation",
      "reading",
      "listening",
      "writing",
      "travel phrases",
    ],
    audiences: ["travellers", "beginners", "expats", "students", "professionals"],
  },
  Music: {
    subjects: [
      "Piano",
      "Guitar",
      "Music Theory",
      "Songwriting",
      "Mixing",
      "Jazz Harmony",
      "Music Production",
      "Drums",
      "Singing",
      "Ukulele",
    ],
    topics: [
      "chords",
      "scales",
      "rhythm",
      "ear training",
      "arrangement",
      "recording",
      "improvisation",
      "sight reading",
    ],
    audiences: ["beginners", "hobbyists", "producers", "songwriters", "adult learners"],
  },
  Photography: {
    subjects: [
      "Portraits",
      "Street Photography",
      "Lighting",
      "Lightroom",
      "Film Photography",
      "Landscape Photography",
      "Photoshop",
      "Wedding Photography",
      "Product Photography",
    ],
    topics: [
      "composition",
      "exposure",
      "portrait lighting",
      "colour grading",
      "retouching",
      "lenses",
      "natural light",
      "editing workflow",
    ],
    audiences: ["hobbyists", "freelancers", "beginners", "travellers", "small businesses"],
  },
  "Personal Finance": {
    subjects: [
      "Budgeting",
      "Investing",
      "Retirement Planning",
      "Taxes",
      "Index Funds",
      "Real Estate",
      "Financial Independence",
      "Credit and Debt",
    ],
    topics: [
      "saving",
      "compound interest",
      "risk",
      "diversification",
      "tax returns",
      "mortgages",
      "emergency funds",
      "pensions",
    ],
    audiences: ["young professionals", "families", "freelancers", "retirees", "students"],
  },
};

const LEVELS = ["BEGINNER", "INTERMEDIATE", "ADVANCED"] as const;
type Level = (typeof LEVELS)[number];

/** Title forms, with the level they suggest (null: any). */
const EN_FORMS: [string, Level | null][] = [
  ["{s} from Scratch", "BEGINNER"],
  ["Practical {s}", null],
  ["{s} in Depth", "ADVANCED"],
  ["Mastering {s}", "ADVANCED"],
  ["{s}: The Essentials", null],
  ["Hands-on {s}", null],
  ["Introduction to {s}", "BEGINNER"],
  ["The Complete {s} Course", null],
  ["{s} for Beginners", "BEGINNER"],
  ["Advanced {s}", "ADVANCED"],
  ["{s} Bootcamp", null],
  ["{s} Made Simple", "BEGINNER"],
  ["Modern {s}", null],
  ["{s} Masterclass", "ADVANCED"],
  ["Applied {s}", "INTERMEDIATE"],
  ["{s} Fundamentals", "BEGINNER"],
  ["{s} Beyond the Basics", "INTERMEDIATE"],
  ["{s} for {a}", null],
];
const EN_SUFFIXES = [
  "",
  "",
  "",
  "",
  " with Real Projects",
  " (2026 edition)",
  " (2025 edition)",
  ": A Project-Based Course",
  " in 30 Days",
  ": Zero to Hero",
  " Workshop",
];
const EN_MODULES = [
  "Getting started with {s}",
  "Core ideas",
  "{t} in practice",
  "Common mistakes",
  "A real project",
  "Going further with {t}",
  "Tools and setup",
  "Case studies",
  "{t} step by step",
  "Review and next steps",
];
const EN_DESCRIPTIONS = [
  "A {l} course in {s} for {a}. You will learn {t} and {u}, with exercises after every module.",
  "Learn {s} the practical way: {t}, {u} and a project of your own. Made for {a} at a {l} level.",
  "{s} for {a}, taught through short lessons on {t} and {u}. Quizzes and a final project check what you learned.",
  "This {l} {s} course covers {t}, {u} and the habits that make them stick. Ideal for {a}.",
];

interface Localised {
  language: string;
  currency: string;
  forms: string[];
  modules: string[];
  description: string;
  level: Record<Level, string>;
}
/** A few courses in other languages: their titles, modules and descriptions are in them too. */
const OTHER_LANGUAGES: Localised[] = [
  {
    language: "de",
    currency: "EUR",
    forms: ["{s} für Einsteiger", "{s} für Fortgeschrittene", "Praxiskurs {s}", "{s} von Grund auf", "{s} kompakt"],
    modules: ["Erste Schritte", "Grundlagen", "Praxisprojekt", "Vertiefung", "Häufige Fehler", "Zusammenfassung"],
    description: "Ein Kurs über {s} für {l}: Übungen nach jedem Modul und ein eigenes Projekt am Ende.",
    level: { BEGINNER: "Einsteiger", INTERMEDIATE: "Fortgeschrittene", ADVANCED: "Profis" },
  },
  {
    language: "fr",
    currency: "EUR",
    forms: ["{s} pour débutants", "{s} en pratique", "Maîtriser {s}", "Introduction à {s}", "{s} de A à Z"],
    modules: ["Premiers pas", "Les bases", "Projet pratique", "Aller plus loin", "Erreurs fréquentes", "Bilan"],
    description: "Un cours de {s} pour les {l} : des exercices après chaque module et un projet personnel à la fin.",
    level: { BEGINNER: "débutants", INTERMEDIATE: "initiés", ADVANCED: "experts" },
  },
  {
    language: "es",
    currency: "EUR",
    forms: ["{s} para principiantes", "{s} en la práctica", "Domina {s}", "Introducción a {s}", "{s} desde cero"],
    modules: ["Primeros pasos", "Conceptos básicos", "Proyecto práctico", "Profundizando", "Errores comunes", "Repaso"],
    description: "Un curso de {s} para {l}: ejercicios después de cada módulo y un proyecto propio al final.",
    level: { BEGINNER: "principiantes", INTERMEDIATE: "estudiantes con experiencia", ADVANCED: "expertos" },
  },
];
const PRICES = [990, 1490, 1900, 2900, 3900, 4900, 5900, 7900, 9900, 12900, 19900];
const INSTRUCTOR_NAMES = [
  "Ada Okafor",
  "Bruno Lefèvre",
  "Chen Wei",
  "Dana Whitfield",
  "Emre Yilmaz",
  "Freya Nilsson",
  "Gabriel Souza",
  "Hana Kobayashi",
  "Inès Moreau",
  "Jonas Becker",
  "Kavya Raman",
  "Lucía Fernández",
];

/** mulberry32: the same catalog on every run. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]! };
}

/** A stable UUID for a name (the same ids on every run). */
function uuidOf(name: string): string {
  const hex = createHash("sha1").update(`search-bench:${name}`).digest("hex");
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function slugify(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 72)
    .replace(/-+$/, "");
}

const fill = (template: string, values: Record<string, string>) =>
  template.replace(/\{(\w)\}/g, (_, key: string) => values[key] ?? "");

interface CatalogRows {
  categories: { id: string; name: string; slug: string }[];
  courses: Record<string, unknown>[];
  modules: Record<string, unknown>[];
}

/** BENCH_COURSES published courses over the categories and instructors given, deterministically. */
function generateCatalog(count: number, instructorIds: string[]): CatalogRows {
  const rng = random(20_261_202);
  const categories = CATEGORIES.map((name) => ({ id: uuidOf(`category:${name}`), name, slug: slugify(name) }));
  const slugs = new Map<string, number>();
  const courses: Record<string, unknown>[] = [];
  const modules: Record<string, unknown>[] = [];
  // published over the two years before a fixed day, so the order of "newest first" is the same on every run
  const end = Date.parse("2026-11-30T12:00:00Z");
  const span = 2 * 365 * 86_400_000;
  for (let i = 0; i < count; i += 1) {
    const category = categories[i % categories.length]!;
    const words = VOCABULARY[category.name]!;
    const subject = rng.pick(words.subjects);
    const [topic, other] = [rng.pick(words.topics), rng.pick(words.topics)];
    const audience = rng.pick(words.audiences);
    const roll = rng.next();
    const local =
      roll < 0.05 ? OTHER_LANGUAGES[0] : roll < 0.1 ? OTHER_LANGUAGES[1] : roll < 0.15 ? OTHER_LANGUAGES[2] : null;
    let title: string;
    let level: Level;
    let description: string;
    let moduleTitles: string[];
    const moduleCount = 3 + Math.floor(rng.next() * 6);
    if (local) {
      const form = rng.pick(local.forms);
      level = rng.pick(LEVELS);
      title = fill(form, { s: subject });
      description = fill(local.description, { s: subject, l: local.level[level] });
      moduleTitles = local.modules.slice(0, Math.min(moduleCount, local.modules.length));
    } else {
      const [form, suggested] = rng.pick(EN_FORMS);
      level = suggested ?? rng.pick(LEVELS);
      title = `${fill(form, { s: subject, a: audience.replace(/\b\w/g, (c) => c.toUpperCase()) })}${rng.pick(EN_SUFFIXES)}`;
      description = fill(rng.pick(EN_DESCRIPTIONS), {
        s: subject,
        a: audience,
        l: level.toLowerCase(),
        t: topic,
        u: other === topic ? "the tools professionals use" : other,
      });
      const start = Math.floor(rng.next() * 3);
      moduleTitles = Array.from({ length: moduleCount }, (_, m) => {
        const template = EN_MODULES[(start + m) % EN_MODULES.length]!;
        const text = fill(template, { s: subject, t: m % 2 === 0 ? topic : other });
        return text.charAt(0).toUpperCase() + text.slice(1);
      });
    }
    const base = slugify(title) || "course";
    const taken = slugs.get(base) ?? 0;
    slugs.set(base, taken + 1);
    const id = uuidOf(`course:${i}`);
    const publishedAt = new Date(end - Math.floor(rng.next() * span));
    const createdAt = new Date(publishedAt.getTime() - Math.floor(rng.next() * 30 * 86_400_000));
    const free = rng.next() < 0.25;
    courses.push({
      id,
      slug: taken === 0 ? base : `${base}-${taken + 1}`,
      title,
      description,
      level,
      language: local?.language ?? "en",
      // a few courses are in no category
      categoryId: rng.next() < 0.04 ? null : category.id,
      priceAmount: free ? 0 : rng.pick(PRICES),
      priceCurrency: local?.currency ?? "USD",
      instructorId: instructorIds[Math.floor(rng.next() * instructorIds.length)]!,
      publishedAt: publishedAt.toISOString(),
      createdAt: createdAt.toISOString(),
    });
    moduleTitles.forEach((moduleTitle, m) =>
      modules.push({ id: uuidOf(`module:${i}:${m}`), courseId: id, title: moduleTitle, position: m + 1 }),
    );
  }
  return { categories, courses, modules };
}

/** Into catalog's own tables, in batches of INSERT_BATCH rows per statement; no outbox, so no events. */
async function insertCatalog(db: Database, rows: CatalogRows): Promise<void> {
  const schema = `"${db.schema.replace(/"/g, '""')}"`;
  const inBatches = async (items: Record<string, unknown>[], sql: string) => {
    for (let start = 0; start < items.length; start += INSERT_BATCH) {
      await db.execute(sql, [JSON.stringify(items.slice(start, start + INSERT_BATCH))]);
    }
  };
  await inBatches(
    rows.categories,
    `INSERT INTO ${schema}."Category" ("id", "name", "slug")
     SELECT r.id, r.name, r.slug FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, name text, slug text)
     ON CONFLICT DO NOTHING`,
  );
  await inBatches(
    rows.courses,
    `INSERT INTO ${schema}."Course" ("id", "slug", "title", "description", "level", "language", "categoryId",
       "priceAmount", "priceCurrency", "status", "publishedAt", "instructorId", "revision", "createdAt", "updatedAt")
     SELECT r."id", r."slug", r."title", r."description", r."level"::${schema}."CourseLevel", r."language", r."categoryId",
       r."priceAmount", r."priceCurrency", 'PUBLISHED'::${schema}."CourseStatus", r."publishedAt", r."instructorId", 1,
       r."createdAt", r."publishedAt"
     FROM jsonb_to_recordset($1::jsonb) AS r("id" uuid, "slug" text, "title" text, "description" text, "level" text,
       "language" text, "categoryId" uuid, "priceAmount" integer, "priceCurrency" text, "instructorId" uuid,
       "publishedAt" timestamptz, "createdAt" timestamptz)`,
  );
  await inBatches(
    rows.modules,
    `INSERT INTO ${schema}."Module" ("id", "courseId", "title", "position", "createdAt", "updatedAt")
     SELECT r."id", r."courseId", r."title", r."position", now(), now()
     FROM jsonb_to_recordset($1::jsonb) AS r("id" uuid, "courseId" uuid, "title" text, "position" integer)`,
  );
}

// ---- the client, in a child process ----------------------------------------------------

interface ClientJob {
  url: string;
  /** Straight to the subgraph: each request signed as the router signs an anonymous caller's, with this secret. */
  secret?: string;
  field: "searchCourses" | "suggestCourses";
  /** The bodies sent, in turn (each connection takes the next one), and the kind each is counted under. */
  requests: { kind: string; body: string }[];
  connections: number;
  /** Either for this long… */
  seconds?: number;
  /** …or this many requests in all. */
  count?: number;
}

interface ClientResult {
  /** When the first request was sent and the last one answered (epoch ms). */
  firstSentAt: number;
  lastAnsweredAt: number;
  /** Round trip of each answered request, ms, and its kind. */
  latencies: number[];
  kinds: string[];
  errors: number;
  /** The first few wrong answers. */
  failures: string[];
}

async function runClient(job: ClientJob): Promise<ClientResult> {
  const latencies: number[] = [];
  const kinds: string[] = [];
  const failures: string[] = [];
  let errors = 0;
  let next = 0;
  const path = new URL(job.url).pathname;
  const firstSentAt = now();
  const end = job.seconds === undefined ? Infinity : firstSentAt + job.seconds * 1000;
  const more = () => (job.count === undefined ? now() < end : next < job.count);

  const send = async ({ kind, body }: { kind: string; body: string }) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (job.secret) {
      Object.assign(
        headers,
        signedIdentityHeaders(job.secret, { userId: null, roles: [] }, { method: "POST", path, body }),
      );
    }
    const sent = now();
    let failure: string | undefined;
    try {
      const response = await fetch(job.url, { method: "POST", headers, body });
      const text = await response.text();
      latencies.push(now() - sent);
      kinds.push(kind);
      const parsed = JSON.parse(text) as { data?: Record<string, unknown> | null; errors?: unknown[] };
      if (response.status !== 200 || parsed.errors || !parsed.data?.[job.field]) {
        failure = `HTTP ${response.status}: ${text.slice(0, 400)}`;
      }
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    if (failure) {
      errors += 1;
      if (failures.length < 5) failures.push(`${kind}: ${failure}`);
    }
  };

  await Promise.all(
    Array.from({ length: job.connections }, async () => {
      while (more()) await send(job.requests[next++ % job.requests.length]!);
    }),
  );
  return { firstSentAt, lastAnsweredAt: now(), latencies, kinds, errors, failures };
}

// ---- the benchmark ------------------------------------------------------------------------

interface Figures {
  p50: number;
  p95: number;
}

interface Outcome {
  label: string;
  backend: Backend["name"];
  /** Every measure ran and no response was wrong. */
  clean: boolean;
  search?: Figures;
  suggest?: Figures;
  freshness?: Record<"published" | "edited" | "archived", { p50: number; max: number }>;
}

type Support = typeof import("../support");

const stats = (values: number[]): Figures => {
  const sorted = sortedOf(values);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
};
const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function runOn(support: Support, backend: Backend): Promise<Outcome> {
  const { operation, registerAdmin, registerInstructor, settleEvents, startTestCampus } = support;
  const label = BACKEND_LABELS[backend.name];
  const pad = (text: string) => text.padEnd(28);
  const indent = " ".repeat(28);
  const outcome: Outcome = { label, backend: backend.name, clean: true };
  const booted = Date.now();
  const campus: TestCampus = await startTestCampus(backend, {
    // high enough never to trip (every request comes from one IP); the checks still run on each request
    RATE_LIMIT_PER_MINUTE: "100000000",
    RATE_LIMIT_AUTH_PER_MINUTE: "100000",
    // the admin's and instructors' tokens must outlive a long rebuild on a slow, shared machine
    ACCESS_TOKEN_TTL_SECONDS: "7200",
  });
  const client = forkClient<ClientJob, ClientResult>(__filename, "--search-client");
  try {
    const gqlOk = async (query: string, variables: Record<string, unknown>, token?: string) => {
      const result = await campus.gql(query, variables, token);
      if (result.errors) {
        const name = /^(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? query.slice(0, 40);
        throw new Error(`${name} failed (HTTP ${result.status}): ${JSON.stringify(result.errors).slice(0, 500)}`);
      }
      return result.data;
    };
    const SEARCH = operation("discovery", "SearchCourses");
    const SUGGEST = operation("discovery", "SuggestCourses");

    // ---- setup: instructors through the API, the catalog with SQL, search's index by a rebuild ----
    const instructors = [];
    for (const name of INSTRUCTOR_NAMES) instructors.push(await registerInstructor(campus, name));
    const admin = await registerAdmin(campus);
    const catalogRows = generateCatalog(
      COURSES,
      instructors.map((instructor) => instructor.id),
    );
    const insertStarted = Date.now();
    await insertCatalog(campus.databases.catalog, catalogRows);
    const insertMs = Date.now() - insertStarted;
    write(
      `${pad(label)}booted in ${((insertStarted - booted) / 1000).toFixed(1)} s (${instructors.length} instructors ` +
        `and an admin registered through the API); ${COURSES} PUBLISHED courses, ${catalogRows.modules.length} modules ` +
        `and ${catalogRows.categories.length} categories INSERTed with SQL into catalog's tables in ` +
        `${(insertMs / 1000).toFixed(1)} s (catalog's outbox bypassed: search hears no event of them)`,
    );

    // the rebuild's two phases, told apart by when it opens the new generation: facts reloaded, documents written
    const index = campus.services.search.index;
    const startRebuild = index.startRebuild.bind(index);
    let writingFrom: number | undefined;
    index.startRebuild = () => ((writingFrom = now()), startRebuild());
    const indexedBefore = campus.services.search.indexer.written;
    const rebuildStarted = now();
    const started = (await gqlOk(REBUILD, {}, admin.accessToken)).rebuildSearchIndex;
    let rebuild: { state: string; coursesRead: number; documentsWritten: number; error: string | null };
    // a failed poll is counted and reported (the run is then not clean), not the end of the rebuild's figures
    const pollFailures: string[] = [];
    for (;;) {
      try {
        rebuild = (await gqlOk(STATUS, {}, admin.accessToken)).searchIndexStatus.lastRebuild;
      } catch (error) {
        pollFailures.push(`${((now() - rebuildStarted) / 1000).toFixed(1)} s in: ${(error as Error).message}`);
        if (pollFailures.length > 20) throw error;
        await sleep(100);
        continue;
      }
      if (rebuild.state !== "RUNNING") break;
      if (now() - rebuildStarted > REBUILD_TIMEOUT_MS)
        throw new Error(`the rebuild did not finish: ${JSON.stringify(rebuild)}`);
      await sleep(100);
    }
    const rebuildMs = now() - rebuildStarted;
    const indexedMeanwhile = campus.services.search.indexer.written - indexedBefore;
    if (rebuild.state !== "SUCCEEDED") throw new Error(`rebuild ${started.id} ${rebuild.state}: ${rebuild.error}`);
    await settleEvents(campus, 120_000);
    const everything = (await gqlOk(SEARCH, { query: "", first: 0 })).searchCourses.totalCount as number;
    write(
      `${indent}rebuildSearchIndex (an admin, through the router) SUCCEEDED in ${(rebuildMs / 1000).toFixed(1)} s: ` +
        `${rebuild.coursesRead} courses read from catalog, ${rebuild.documentsWritten} documents written ` +
        `(${(rebuild.documentsWritten / (rebuildMs / 1000)).toFixed(0)} courses/s, polled every 100 ms); ` +
        `searchCourses(query: "") counts ${everything}`,
    );
    if (writingFrom !== undefined) {
      write(
        `${indent}  of which: facts reloaded from catalog, content and identity in ` +
          `${((writingFrom - rebuildStarted) / 1000).toFixed(1)} s, then documents written to the new index and swapped in ` +
          `${((rebuildMs - (writingFrom - rebuildStarted)) / 1000).toFixed(1)} s; meanwhile the live indexer wrote ` +
          `${indexedMeanwhile} documents to the live index (each reloaded course is marked changed)`,
      );
    }
    if (pollFailures.length > 0) {
      write(
        `${indent}FAILED: ${pollFailures.length} searchIndexStatus polls failed during the rebuild, first: ${pollFailures[0]}`,
      );
      outcome.clean = false;
    }
    if (everything < COURSES)
      throw new Error(`the index holds ${everything} of the ${COURSES} courses after the rebuild`);

    // ---- the mix, run once: what each query finds ----
    const categoryIds = new Map(catalogRows.categories.map((category) => [category.name, category.id]));
    const mix = searchMix(categoryIds);
    const found: string[] = [];
    for (const entry of mix) {
      const total = (await gqlOk(SEARCH, entry.variables)).searchCourses.totalCount as number;
      const filter = entry.variables.filter ? ` ${JSON.stringify(entry.variables.filter).replace(/"/g, "")}` : "";
      found.push(`${JSON.stringify(entry.variables.query)}${filter} ${total}`);
      if (entry.finds && total === 0) {
        write(`${indent}FAILED: ${JSON.stringify(entry.variables)} finds no course`);
        outcome.clean = false;
      }
    }
    write(`${indent}the query mix (${mix.length} queries) and what each finds: ${found.join(" · ")}`);

    // ---- through the router ----
    const names = Object.keys(campus.databases);
    const body = (operationName: string, query: string, variables: Record<string, unknown>) =>
      JSON.stringify({ operationName, query, variables });
    const routerSearch = mix.map((entry) => ({
      kind: entry.kind,
      body: body("SearchCourses", SEARCH, entry.variables),
    }));
    const routerSuggest = PREFIXES.map((prefix) => ({
      kind: `${prefix.length} letters`,
      body: body("SuggestCourses", SUGGEST, { prefix }),
    }));
    const byKind = (result: ClientResult) => {
      const groups = new Map<string, number[]>();
      result.kinds.forEach((kind, i) => groups.set(kind, [...(groups.get(kind) ?? []), result.latencies[i]!]));
      return [...groups]
        .map(([kind, values]) => {
          const figures = stats(values);
          return `${kind} ${ms(figures.p50)}/${ms(figures.p95)}`;
        })
        .join(" · ");
    };
    const report = (result: ClientResult) => {
      if (result.errors > 0) {
        write(`${indent}  FAILED: ${result.errors} error responses, first: ${result.failures[0]}`);
        outcome.clean = false;
      }
    };

    const measureRouter = async (what: string, field: ClientJob["field"], requests: ClientJob["requests"]) => {
      const job = { url: campus.routerUrl, field, requests, connections: CONNECTIONS };
      const warm = await client.run({ ...job, seconds: WARMUP_SECONDS });
      if (warm.errors > 0) {
        write(`${indent}${what}: NOT MEASURED, the warm-up failed: ${warm.failures[0]}`);
        outcome.clean = false;
        return undefined;
      }
      const sqlBefore = Object.fromEntries(names.map((name) => [name, campus.databases[name]!.queries.total]));
      const cpuBefore = process.cpuUsage();
      const machineBefore = machineCpu();
      const postgresBefore = await postgresCpu(campus.databases.search);
      const loopBefore = performance.eventLoopUtilization();
      const result = await client.run({ ...job, seconds: SECONDS });
      const cpu = process.cpuUsage(cpuBefore);
      const loop = performance.eventLoopUtilization(loopBefore);
      const machineAfter = machineCpu();
      const postgresUsed = cpuBetween(postgresBefore, await postgresCpu(campus.databases.search));
      const done = result.latencies.length;
      const seconds = (result.lastAnsweredAt - result.firstSentAt) / 1000;
      const figures = stats(result.latencies);
      write(
        `${indent}${what}: ${(done / seconds).toFixed(0)} requests/s (${done} in ${seconds.toFixed(1)} s, ` +
          `${CONNECTIONS} in flight); p50 ${ms(figures.p50)} ms, p95 ${ms(figures.p95)} ms`,
      );
      write(`${indent}  p50/p95 ms by kind: ${byKind(result)}`);
      const sql = names
        .map((name) => ({ name, count: campus.databases[name]!.queries.total - sqlBefore[name]! }))
        .filter((entry) => entry.count / done >= 0.05);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      const busy = (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total);
      write(
        `${indent}  SQL statements per request through Prisma: ` +
          `${sql.map((entry) => `${entry.name} ${(entry.count / done).toFixed(1)}`).join(", ") || "none"} ` +
          `(the engine's own SQL is not counted); CPU: Campus process ${(cpuMs / done).toFixed(2)} ms per request ` +
          `(${(cpuMs / 1000 / seconds).toFixed(2)} cores, event loop ${(loop.utilization * 100).toFixed(0)} % busy), ` +
          (postgresUsed === undefined
            ? ""
            : `PostgreSQL (this database's connections) ${(postgresUsed / done).toFixed(2)} ms per request ` +
              `(${(postgresUsed / 1000 / seconds).toFixed(2)} cores), `) +
          `machine ${(busy * 100).toFixed(0)} % busy of ${cpus().length} cores`,
      );
      report(result);
      return figures;
    };

    write(`${indent}through the router (anonymous, ${WARMUP_SECONDS} s of warm-up first):`);
    await measureRouter("SearchCourses", "searchCourses", routerSearch);
    await measureRouter("SuggestCourses", "suggestCourses", routerSuggest);

    // ---- at the subgraph, where the targets are ----
    const subgraphSearch = mix.map((entry) => ({
      kind: entry.kind,
      body: body("SearchCourses__search__0", SUBGRAPH_SEARCH, entry.variables),
    }));
    const subgraphSuggest = PREFIXES.map((prefix) => ({
      kind: `${prefix.length} letters`,
      body: body("SuggestCourses__search__0", SUBGRAPH_SUGGEST, { prefix }),
    }));
    const measureSubgraph = async (
      what: string,
      field: ClientJob["field"],
      requests: ClientJob["requests"],
      connections: number,
    ) => {
      const job = { url: campus.subgraphUrls.search, secret: campus.internalAuthSecret, field, requests, connections };
      const warm = await client.run({ ...job, count: SUBGRAPH_WARMUP });
      if (warm.errors > 0) {
        write(`${indent}${what}: NOT MEASURED, the warm-up failed: ${warm.failures[0]}`);
        outcome.clean = false;
        return undefined;
      }
      const cpuBefore = process.cpuUsage();
      const machineBefore = machineCpu();
      const postgresBefore = await postgresCpu(campus.databases.search);
      const result = await client.run({ ...job, count: SUBGRAPH_REQUESTS });
      const cpu = process.cpuUsage(cpuBefore);
      const machineAfter = machineCpu();
      const postgresUsed = cpuBetween(postgresBefore, await postgresCpu(campus.databases.search));
      const done = result.latencies.length;
      const seconds = (result.lastAnsweredAt - result.firstSentAt) / 1000;
      const figures = stats(result.latencies);
      const busy = (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total);
      write(
        `${indent}${what}, ${connections} in flight: p50 ${ms(figures.p50)} ms, p95 ${ms(figures.p95)} ms ` +
          `(${done} in ${seconds.toFixed(1)} s, ${(done / seconds).toFixed(0)}/s; CPU per request: Campus process ` +
          `${((cpu.user + cpu.system) / 1000 / done).toFixed(2)} ms` +
          (postgresUsed === undefined ? "" : `, PostgreSQL ${(postgresUsed / done).toFixed(2)} ms`) +
          `; machine ${(busy * 100).toFixed(0)} % busy, load average ${loadavg()[0]!.toFixed(1)})`,
      );
      write(`${indent}  p50/p95 ms by kind: ${byKind(result)}`);
      report(result);
      return figures;
    };

    write(
      `${indent}at the search subgraph (signed like the router, ${SUBGRAPH_REQUESTS} requests of each, ` +
        `after ${SUBGRAPH_WARMUP} not counted):`,
    );
    outcome.search = await measureSubgraph("searchCourses", "searchCourses", subgraphSearch, 1);
    outcome.suggest = await measureSubgraph("suggestCourses", "suggestCourses", subgraphSuggest, 1);
    if (SUBGRAPH_CONCURRENCY > 1) {
      await measureSubgraph("searchCourses", "searchCourses", subgraphSearch, SUBGRAPH_CONCURRENCY);
      await measureSubgraph("suggestCourses", "suggestCourses", subgraphSuggest, SUBGRAPH_CONCURRENCY);
    }

    // ---- freshness: published, edited, archived, through the router ----
    const instructor = instructors[0]!;
    const ids = async (query: string) =>
      ((await gqlOk(SEARCH, { query, first: 5 })).searchCourses.edges as { node: { id: string } }[]).map(
        (edge) => edge.node.id,
      );
    const until = async (what: string, done: () => Promise<boolean>) => {
      const from = now();
      while (!(await done())) {
        if (now() - from > FRESHNESS_TIMEOUT_MS) throw new Error(`${what}: not within ${FRESHNESS_TIMEOUT_MS} ms`);
        await sleep(FRESHNESS_POLL_MS);
      }
      return now() - from;
    };
    const times = { published: [] as number[], edited: [] as number[], archived: [] as number[] };
    const stamp = Date.now().toString(36);
    try {
      for (let round = 0; round < FRESHNESS_ROUNDS; round += 1) {
        // words no other course has, so each poll has one right answer
        const word = `fresh${stamp}r${round}`;
        const renamed = `renamed${stamp}r${round}`;
        const input = {
          title: `Freshness ${word} Workshop`,
          description: "Published, edited and archived by the search benchmark.",
          level: "BEGINNER",
          price: { amount: 0, currency: "USD" },
        };
        const t = instructor.accessToken;
        const courseId = (await gqlOk(operation("mvp", "CreateCourse"), { input }, t)).createCourse.id as string;
        await gqlOk(operation("mvp", "AddModule"), { courseId, input: { title: "Only" } }, t);
        await gqlOk(operation("mvp", "PublishCourse"), { id: courseId }, t);
        times.published.push(await until("published → searchable", async () => (await ids(word)).includes(courseId)));
        await gqlOk(UPDATE_COURSE, { id: courseId, input: { title: `Freshness ${renamed} Workshop` } }, t);
        times.edited.push(await until("edited → searchable", async () => (await ids(renamed)).includes(courseId)));
        await gqlOk(ARCHIVE_COURSE, { id: courseId }, t);
        times.archived.push(await until("archived → gone", async () => !(await ids(renamed)).includes(courseId)));
      }
    } catch (error) {
      write(`${indent}FAILED freshness: ${(error as Error).message}`);
      outcome.clean = false;
    }
    if (times.archived.length === FRESHNESS_ROUNDS) {
      const summary = (values: number[]) => {
        const sorted = sortedOf(values);
        return { p50: percentile(sorted, 50), max: sorted.at(-1)! };
      };
      outcome.freshness = {
        published: summary(times.published),
        edited: summary(times.edited),
        archived: summary(times.archived),
      };
      const f = outcome.freshness;
      write(
        `${indent}freshness over ${FRESHNESS_ROUNDS} courses (from the mutation's answer to the first SearchCourses ` +
          `showing it, polled every ${FRESHNESS_POLL_MS} ms), p50 / max: published → found ` +
          `${ms(f.published.p50)} / ${ms(f.published.max)} ms · title edited → found by the new word ` +
          `${ms(f.edited.p50)} / ${ms(f.edited.max)} ms · archived → gone ${ms(f.archived.p50)} / ${ms(f.archived.max)} ms`,
      );
    }

    // ---- the index on disk ----
    const opensearchUrl = process.env.OPENSEARCH_URL;
    const alias = campus.storageEnv.OPENSEARCH_INDEX_PREFIX;
    if (opensearchUrl && alias) {
      const response = await fetch(`${opensearchUrl}/${alias}/_stats/docs,store`);
      const stats = (await response.json()) as {
        _all?: { primaries?: { docs?: { count: number }; store?: { size_in_bytes: number } } };
      };
      const primaries = stats._all?.primaries;
      if (response.ok && primaries?.store) {
        write(
          `${indent}index on disk (OpenSearch, the alias's index): ${megabytes(primaries.store.size_in_bytes)}, ` +
            `${primaries.docs?.count ?? "?"} documents`,
        );
      }
      return outcome;
    }
    const [size] = await campus.databases.search.query<{ documents: string; terms: string; vocabulary: number }>(
      `SELECT pg_total_relation_size('search.course_index_document')::bigint AS documents,
              pg_total_relation_size('search.course_index_term')::bigint AS terms,
              (SELECT count(*)::int FROM search.course_index_term
                WHERE generation = (SELECT live FROM search.course_index_state)) AS vocabulary`,
    );
    if (size) {
      write(
        `${indent}index on disk: documents ${megabytes(Number(size.documents))} (table, TOAST and indexes), ` +
          `vocabulary ${megabytes(Number(size.terms))} (${size.vocabulary} words, trigram index included)`,
      );
    }
    return outcome;
  } finally {
    client.stop();
    await campus.stop();
  }
}

async function main(): Promise<number> {
  // after runBenchmark has settled the tsconfig: the subgraphs' decorators need it
  const support = await import("../support");
  write(
    `search benchmark: ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(2)}; ${COURSES} courses ` +
      `(BENCH_COURSES); through the router ${CONNECTIONS} requests in flight (BENCH_CONNECTIONS) for ${SECONDS} s ` +
      `(BENCH_SECONDS); at the subgraph ${SUBGRAPH_REQUESTS} requests of each kind (BENCH_SUBGRAPH_REQUESTS), ` +
      `one at a time${SUBGRAPH_CONCURRENCY > 1 ? ` and ${SUBGRAPH_CONCURRENCY} at a time` : ""} (BENCH_SUBGRAPH_CONCURRENCY); ` +
      `${FRESHNESS_ROUNDS} freshness rounds (BENCH_FRESHNESS_ROUNDS)`,
  );
  const all = support.backends();
  const postgresConfigured = all.length > 1;
  // With OpenSearch configured, PostgreSQL runs first with its own engine: both engines on the same database, in one run
  if (process.env.OPENSEARCH_URL && all.length > 1) all.splice(1, 0, support.backends({ opensearch: false })[1]!);
  // BENCH_BACKENDS=postgres: only the backends whose name contains one of the words (a shorter run)
  const only = process.env.BENCH_BACKENDS?.split(",").filter(Boolean);
  if (only?.length)
    all.splice(0, all.length, ...all.filter((backend) => only.some((word) => backend.name.includes(word))));
  const outcomes: Outcome[] = [];
  for (const backend of all) {
    try {
      outcomes.push(await runOn(support, backend));
    } catch (error) {
      write(
        `${BACKEND_LABELS[backend.name].padEnd(28)}FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      outcomes.push({ label: BACKEND_LABELS[backend.name], backend: backend.name, clean: false });
    }
  }
  if (!postgresConfigured) {
    write(`${"PostgreSQL + Redis".padEnd(28)}skipped: set TEST_POSTGRES_URL and TEST_REDIS_URL`);
  }

  // the targets hold on the embedded engine; the other backends' figures are compared for reference
  let code = outcomes.every((outcome) => outcome.clean) ? 0 : 1;
  write("\ntargets (at the search subgraph, one request at a time; freshness through the router):");
  for (const outcome of outcomes) {
    const held = outcome.backend === "embedded";
    const check = (ok: boolean, figure: string) => {
      if (held) {
        write(`${ok ? "PASS" : "FAIL"}: ${figure} on ${outcome.label}`);
        if (!ok) code = 1;
      } else write(`${ok ? "within" : "over"} (reference, not held): ${figure} on ${outcome.label}`);
    };
    const missing = (what: string) => {
      write(`${held ? "FAIL" : "not measured"}: ${what} on ${outcome.label}: not measured`);
      if (held) code = 1;
    };
    if (outcome.search) {
      check(
        outcome.search.p95 <= TARGET_SEARCH_P95_MS,
        `search p95 ${ms(outcome.search.p95)} ms (target ≤ ${TARGET_SEARCH_P95_MS} ms)`,
      );
    } else missing("search p95");
    if (outcome.suggest) {
      check(
        outcome.suggest.p95 <= TARGET_SUGGEST_P95_MS,
        `suggest p95 ${ms(outcome.suggest.p95)} ms (target ≤ ${TARGET_SUGGEST_P95_MS} ms)`,
      );
    } else missing("suggest p95");
    if (outcome.freshness) {
      const changes = { published: "published → found", edited: "edited → found", archived: "archived → gone" };
      for (const [what, figures] of Object.entries(outcome.freshness)) {
        check(
          figures.max <= TARGET_FRESHNESS_MS,
          `freshness ${changes[what as keyof typeof changes]} max ${ms(figures.max)} ms (target ≤ ${TARGET_FRESHNESS_MS} ms)`,
        );
      }
    } else missing("freshness");
  }
  return code;
}

if (process.argv.includes("--search-client")) serveClientJobs(runClient);
else runBenchmark("search", __filename, main);
