export type LearningStatus = "ACTIVE" | "COMPLETED";

/**
 * Share of the course's current modules the learner has completed, 0..1.
 * Completions of modules since removed from the course do not count, so
 * removing a module never pushes progress above 1.
 */
export function computeProgress(completedModuleIds: Iterable<string>, courseModuleIds: readonly string[]): number {
  if (courseModuleIds.length === 0) return 0;
  const completed = new Set(completedModuleIds);
  const done = new Set(courseModuleIds.filter((id) => completed.has(id))).size;
  return done / new Set(courseModuleIds).size;
}

/**
 * Status that follows from progress: all modules done is COMPLETED (keeping
 * the first completion time, so marking again changes nothing); anything less
 * is ACTIVE with no completion time.
 */
export function statusForProgress(
  progress: number,
  previousCompletedAt: Date | null,
  now: Date,
): { status: LearningStatus; completedAt: Date | null } {
  if (progress >= 1) return { status: "COMPLETED", completedAt: previousCompletedAt ?? now };
  return { status: "ACTIVE", completedAt: null };
}
