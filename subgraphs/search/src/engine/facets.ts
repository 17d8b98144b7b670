/**
 * The facets both engines count, with the same values and labels. Price
 * bands are in minor units of the course's own currency (the demo catalog and
 * most marketplaces price in one currency per storefront).
 */
import type { CourseLevel, FacetField } from "./course-index";

export const FACET_FIELDS: readonly FacetField[] = ["category", "level", "language", "priceBand", "free"];

export interface PriceBand {
  value: string;
  label: string;
  /** Inclusive bounds in minor units. */
  min: number;
  max: number | null;
}

export const PRICE_BANDS: readonly PriceBand[] = [
  { value: "FREE", label: "Free", min: 0, max: 0 },
  { value: "UP_TO_25", label: "Up to 25", min: 1, max: 2500 },
  { value: "25_TO_50", label: "25 to 50", min: 2501, max: 5000 },
  { value: "50_TO_100", label: "50 to 100", min: 5001, max: 10000 },
  { value: "OVER_100", label: "Over 100", min: 10001, max: null },
];

export function priceBandOf(amount: number): string {
  return PRICE_BANDS.find((band) => amount >= band.min && (band.max === null || amount <= band.max))!.value;
}

const LEVEL_LABELS: Record<CourseLevel, string> = {
  BEGINNER: "Beginner",
  INTERMEDIATE: "Intermediate",
  ADVANCED: "Advanced",
};
export const LEVELS = Object.keys(LEVEL_LABELS) as CourseLevel[];

const languageNames = new Intl.DisplayNames(["en"], { type: "language", fallback: "code" });

/** The label shown for a bucket; a category's is its name, which the engine keeps beside the id. */
export function facetLabel(field: Exclude<FacetField, "category">, value: string): string {
  switch (field) {
    case "level":
      return LEVEL_LABELS[value as CourseLevel] ?? value;
    case "language":
      return languageNames.of(value) ?? value;
    case "priceBand":
      return PRICE_BANDS.find((band) => band.value === value)?.label ?? value;
    case "free":
      return value === "true" ? "Free" : "Paid";
  }
}

/**
 * Bucket order: fixed scales (level, price band, free) in their own order,
 * open ones (category, language) by count, then label.
 */
export function sortBuckets<B extends { value: string; label: string; count: number }>(
  field: FacetField,
  buckets: B[],
): B[] {
  const scale =
    field === "level"
      ? LEVELS
      : field === "priceBand"
        ? PRICE_BANDS.map((band) => band.value)
        : field === "free"
          ? ["true", "false"]
          : null;
  return [...buckets]
    .filter((bucket) => bucket.count > 0)
    .sort((a, b) =>
      scale ? scale.indexOf(a.value) - scale.indexOf(b.value) : b.count - a.count || a.label.localeCompare(b.label),
    );
}
