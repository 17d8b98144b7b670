const MAX_SLUG_LENGTH = 80;

/** "Intro to Café Rust!" → "intro-to-cafe-rust"; accents fold to ASCII so URLs stay plain. */
export function slugify(text: string, fallback = "course"): string {
  const slug = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/-+$/, "");
  return slug || fallback;
}

/** The base itself when free, else the lowest `base-N` (N ≥ 2) nobody holds. */
export function nextFreeSlug(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let n = 2; ; n += 1) {
    const candidate = `${base}-${n}`;
    if (!used.has(candidate)) return candidate;
  }
}
