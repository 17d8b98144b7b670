/**
 * What a person typed, taken apart the same way for both engines, so no
 * character ever reaches an engine's own query syntax: words are runs of
 * letters and digits (any script), everything else separates them.
 *
 *   pyhton for "unit tests" -java  →  words [pyhton, for], phrases [[unit, tests]], excluded [java]
 *
 * Each engine decides what a word matches (stems, typos); stop words such as
 * "for" are dropped by the engine's analyzer, not here.
 */
export interface SearchText {
  /** Every one must match (after stemming and typo correction). */
  words: string[];
  /** Quoted runs of two or more words, matched as a phrase. */
  phrases: string[][];
  /** `-word`: courses containing it are left out. */
  excluded: string[];
}

/** Longer input is refused (BAD_USER_INPUT) rather than cut, so nobody wonders why a word was ignored. */
export const MAX_QUERY_LENGTH = 200;
/** Past this, further words are ignored: no one types more, and each costs the engine a clause. */
export const MAX_WORDS = 16;
/** A word longer than this is no word (a pasted hash, a URL): it is cut. */
export const MAX_WORD_LENGTH = 40;

const WORD = /[\p{L}\p{N}]+/gu;

function wordsOf(text: string): string[] {
  return (text.normalize("NFKC").toLowerCase().match(WORD) ?? []).map((word) => word.slice(0, MAX_WORD_LENGTH));
}

export function parseSearchText(input: string): SearchText {
  const words: string[] = [];
  const phrases: string[][] = [];
  const excluded: string[] = [];
  // "…" phrases first (an unmatched quote is just a separator), then -words, then the rest
  const pattern = /(-?)"([^"]*)"|(?:^|(?<=\s))-([\p{L}\p{N}][^\s"]*)|([^\s"]+)/gu;
  for (const match of input.matchAll(pattern)) {
    const [, negated, quoted, excludedToken, plain] = match;
    if (quoted !== undefined) {
      const inner = wordsOf(quoted);
      if (negated) excluded.push(...inner.slice(0, 1));
      else if (inner.length > 1) phrases.push(inner);
      else words.push(...inner);
    } else if (excludedToken !== undefined) {
      excluded.push(...wordsOf(excludedToken).slice(0, 1));
    } else if (plain !== undefined) {
      words.push(...wordsOf(plain));
    }
  }
  let budget = MAX_WORDS;
  const take = <T extends string | string[]>(items: T[]) =>
    items.filter((item) => (budget -= typeof item === "string" ? 1 : item.length) >= 0);
  return { words: take(words), phrases: take(phrases), excluded: take(excluded) };
}

export const isEmptySearch = (text: SearchText) =>
  text.words.length === 0 && text.phrases.length === 0 && text.excluded.length === 0;
