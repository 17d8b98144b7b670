/**
 * The relevance set: what a person types, and the demo course that must be
 * in the top 3 for it (titles from infra/embedded/src/seed/catalog-data.ts,
 * as `pnpm dev` loads them). Typos, stems, phrases, several fields. A change
 * to an engine that drops one of these is a regression: fix the engine, not
 * the set.
 */
export interface RelevanceCase {
  query: string;
  expected: string;
  /** What the case is about (printed with a miss). */
  why: "word" | "words" | "typo" | "stem" | "phrase" | "field" | "level";
  /** Must be the very first hit, not just in the top 3. */
  first?: boolean;
}

export const RELEVANCE_SET: readonly RelevanceCase[] = [
  { query: "pyhton begginer", expected: "Python from Scratch", why: "typo", first: true },
  { query: "python", expected: "Python from Scratch", why: "word", first: true },
  { query: "typescript", expected: "TypeScript from Scratch", why: "word", first: true },
  { query: "typscript", expected: "TypeScript from Scratch", why: "typo" },
  { query: "rust", expected: "Rust in Depth", why: "word", first: true },
  { query: "statistcs", expected: "Practical Statistics", why: "typo" },
  { query: "typography", expected: "Typography in Depth", why: "word" },
  { query: "product managment", expected: "Mastering Product Management", why: "typo" },
  { query: "spansih", expected: "Spanish: The Essentials", why: "typo" },
  { query: "piano", expected: "Hands-on Piano", why: "word" },
  { query: "portrait photography", expected: "Portraits from Scratch", why: "stem" },
  { query: "budget", expected: "Practical Budgeting", why: "stem" },
  { query: "figma", expected: "Figma: The Essentials", why: "word" },
  { query: "negociation", expected: "Hands-on Negotiation", why: "typo" },
  { query: "negotiate", expected: "Hands-on Negotiation", why: "stem" },
  { query: "japanese", expected: "Japanese from Scratch", why: "word", first: true },
  { query: "guitar", expected: "Practical Guitar", why: "word", first: true },
  { query: "street photography", expected: "Street Photography in Depth", why: "words" },
  { query: "investment", expected: "Mastering Investing", why: "stem" },
  { query: "machin lerning", expected: "Hands-on Machine Learning", why: "typo", first: true },
  { query: "color theory", expected: "Colour Theory from Scratch", why: "typo", first: true },
  { query: "german", expected: "German in Depth", why: "word", first: true },
  { query: "music theory", expected: "Mastering Music Theory", why: "words", first: true },
  { query: "lighting", expected: "Lighting: The Essentials", why: "word" },
  { query: "retirement", expected: "Hands-on Retirement Planning", why: "word", first: true },
  { query: "sql analytics", expected: "Practical SQL Analytics", why: "words", first: true },
  { query: "ux research", expected: "UX Research in Depth", why: "words", first: true },
  { query: "accounting", expected: "Mastering Accounting Basics", why: "word", first: true },
  { query: "lightroom", expected: "Lightroom from Scratch", why: "word", first: true },
  { query: "tax", expected: "Practical Taxes", why: "stem", first: true },
  { query: "graphql", expected: "GraphQL APIs in Depth", why: "word", first: true },
  { query: "data visualization", expected: "Mastering Data Visualisation", why: "typo", first: true },
  { query: "design systems", expected: "Design Systems: The Essentials", why: "words" },
  { query: "leadership", expected: "Hands-on Leadership", why: "word", first: true },
  { query: "mandarin", expected: "Mandarin from Scratch", why: "word", first: true },
  { query: "film photography", expected: "Film Photography in Depth", why: "words", first: true },
  { query: "testing", expected: "Testing: The Essentials", why: "word", first: true },
  { query: '"time series"', expected: "Hands-on Time Series", why: "phrase", first: true },
  { query: "startup", expected: "Practical Startups", why: "stem", first: true },
  { query: "jazz harmony", expected: "Mastering Jazz Harmony", why: "words", first: true },
  { query: "algoritms", expected: "Algorithms from Scratch (2026 edition)", why: "typo", first: true },
  { query: "distributed systems", expected: "Distributed Systems in Depth (2024 edition)", why: "words", first: true },
  { query: "pandas", expected: "Mastering Pandas (2026 edition)", why: "word", first: true },
  { query: "lovelace typescript", expected: "TypeScript from Scratch", why: "field", first: true },
  { query: "turing rust", expected: "Rust in Depth", why: "field", first: true },
  { query: "advanced rust", expected: "Rust in Depth", why: "level", first: true },
  { query: "beginner python", expected: "Python from Scratch", why: "level", first: true },
  { query: "python getting started", expected: "Python from Scratch", why: "field", first: true },
  { query: "welcome to python", expected: "Python from Scratch", why: "field", first: true },
];
