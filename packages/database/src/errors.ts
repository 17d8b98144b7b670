/**
 * True when a write failed on a unique constraint. Prisma reports it as P2002
 * over adapter-pg, but the PGlite adapter surfaces a DriverAdapterError whose
 * cause carries the Postgres code (23505) instead; both mean "already exists".
 */
export function isUniqueViolation(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    const candidate = current as {
      code?: unknown;
      kind?: unknown;
      originalCode?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (candidate.code === "P2002" || candidate.code === "23505" || candidate.originalCode === "23505") return true;
    if (candidate.kind === "UniqueConstraintViolation") return true;
    if (
      typeof candidate.message === "string" &&
      /duplicate key value violates unique constraint/.test(candidate.message)
    )
      return true;
    current = candidate.cause;
  }
  return false;
}
