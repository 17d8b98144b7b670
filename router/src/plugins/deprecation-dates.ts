/**
 * The dates a deprecation reason states, by the convention of
 * docs/api-lifecycle.md: "Use `slug`. Deprecated 2026-09-01, removal 2027-03-01."
 * - `deprecated [since|on] YYYY-MM-DD`: when it was deprecated (the Deprecation header, RFC 9745);
 * - `removal [on] YYYY-MM-DD` or `sunset YYYY-MM-DD`: when it goes away (the Sunset header, RFC 8594).
 * A date that is not a real day of the calendar counts as not stated.
 */
export interface DeprecationDates {
  deprecatedAt?: Date;
  sunsetAt?: Date;
}

const DEPRECATED = /\bdeprecated(?:\s+(?:since|on))?:?\s+(\d{4})-(\d{2})-(\d{2})\b/i;
const SUNSET = /\b(?:removal|sunset|removed)(?:\s+(?:on|after))?:?\s+(\d{4})-(\d{2})-(\d{2})\b/i;

function dayOf(match: RegExpMatchArray | null): Date | undefined {
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
    ? date
    : undefined;
}

export function deprecationDatesOf(reason: string): DeprecationDates {
  const deprecatedAt = dayOf(reason.match(DEPRECATED));
  const sunsetAt = dayOf(reason.match(SUNSET));
  return { ...(deprecatedAt ? { deprecatedAt } : {}), ...(sunsetAt ? { sunsetAt } : {}) };
}

export interface DeprecationHeaders {
  deprecation: string;
  sunset?: string;
}

/**
 * The headers of a response that used these deprecations. `Deprecation` is
 * a structured-field Date (`@<unix seconds>`): the earliest stated date, as
 * the operation has been deprecated since its first part was; a deprecation
 * without a stated date is deprecated as of `now` (RFC 9745 has no "date
 * unknown"; now is true and says "already deprecated"). `Sunset` is an
 * HTTP-date: the earliest removal, when the operation will first break.
 */
export function deprecationHeaders(reasons: string[], now: Date): DeprecationHeaders | undefined {
  if (reasons.length === 0) return undefined;
  let deprecatedAt = Infinity;
  let sunsetAt = Infinity;
  for (const reason of reasons) {
    const dates = deprecationDatesOf(reason);
    deprecatedAt = Math.min(deprecatedAt, (dates.deprecatedAt ?? now).getTime());
    if (dates.sunsetAt) sunsetAt = Math.min(sunsetAt, dates.sunsetAt.getTime());
  }
  return {
    deprecation: `@${Math.floor(deprecatedAt / 1000)}`,
    ...(sunsetAt !== Infinity ? { sunset: new Date(sunsetAt).toUTCString() } : {}),
  };
}
