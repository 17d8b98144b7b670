/**
 * Typo tolerance for the PostgreSQL engine: the words of the indexed
 * documents, and the nearest of them to a word the index does not know.
 * OpenSearch does the same with `fuzziness` on its own terms.
 */
import type { Database } from "@campus/database";
import type { CourseDocument } from "./course-index";

const WORD = /[\p{L}\p{N}]+/gu;
/** Shorter words are left as typed: "go" is no typo of "to". */
const MIN_CORRECTED_LENGTH = 4;
const MAX_VOCABULARY_WORD = 40;

/** The distinct words a document can be found by, lower-case: its part of the vocabulary. */
export function documentWords(document: CourseDocument): string[] {
  const text = [
    document.title,
    document.description,
    document.level,
    document.instructor.name,
    document.category?.name ?? "",
    ...document.moduleTitles,
    document.articleText,
  ].join(" ");
  const words = new Set<string>();
  for (const word of text.normalize("NFKC").toLowerCase().match(WORD) ?? []) {
    if (word.length >= 3 && word.length <= MAX_VOCABULARY_WORD && !/^\d+$/.test(word)) words.add(word);
  }
  return [...words];
}

/** Edits a word of this length may be away from a known one: 1 up to 6 letters, 2 beyond (as OpenSearch's AUTO:4,7). */
export const allowedEdits = (length: number) => (length < MIN_CORRECTED_LENGTH ? 0 : length < 7 ? 1 : 2);

/**
 * Optimal string alignment distance: insertions, deletions, substitutions
 * and swaps of neighbours each count 1 ("pyhton" is 1 from "python").
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * For each word the vocabulary lacks, its nearest known words (at most 3,
 * fewest edits first, then the most common): pg_trgm narrows the vocabulary
 * to similar words, the edit distance decides.
 */
export async function closestWords(
  db: Database,
  termTable: string,
  generation: number,
  words: string[],
): Promise<Map<string, string[]>> {
  const candidates = [...new Set(words)].filter((word) => allowedEdits(word.length) > 0);
  if (candidates.length === 0) return new Map();
  const rows = await db.query<{ word: string; term: string | null; documents: number | null; known: boolean }>(
    // a known word is looked up no further: the check sits inside the lateral query, so its scan is skipped
    `SELECT w.word, c.term, c.documents, c.term IS NULL AND EXISTS (SELECT 1 FROM ${termTable} k WHERE k.generation = $1 AND k.term = w.word) AS known
     FROM unnest($2::text[]) AS w(word)
     LEFT JOIN LATERAL (
       SELECT term, documents FROM ${termTable}
       WHERE NOT EXISTS (SELECT 1 FROM ${termTable} k WHERE k.generation = $1 AND k.term = w.word)
         AND generation = $1 AND length(term) BETWEEN length(w.word) - 2 AND length(w.word) + 2
         AND public.similarity(term, w.word) >= 0.15
       ORDER BY public.similarity(term, w.word) DESC, documents DESC LIMIT 16
     ) c ON true`,
    [generation, candidates],
  );
  const closest = new Map<string, { term: string; edits: number; documents: number }[]>();
  for (const row of rows) {
    if (row.known || !row.term) continue;
    const edits = editDistance(row.word, row.term);
    if (edits > allowedEdits(row.word.length)) continue;
    closest.set(row.word, [...(closest.get(row.word) ?? []), { term: row.term, edits, documents: row.documents ?? 0 }]);
  }
  return new Map(
    [...closest].map(([word, found]) => [
      word,
      found
        .sort((a, b) => a.edits - b.edits || b.documents - a.documents)
        .slice(0, 3)
        .map((f) => f.term),
    ]),
  );
}
