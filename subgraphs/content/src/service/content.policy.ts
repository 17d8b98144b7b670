import { viewerIsAdmin, type Viewer } from "@campus/auth";

/**
 * What a viewer is to a course's content:
 * - EDITOR: the course's instructor and admins: every item, pending versions included;
 * - LEARNER: an ACTIVE or COMPLETED enrollment (from enrollment's events): items
 *   with a READY current version, shown at that version;
 * - NONE: anyone else: no item of the course exists for them.
 */
export type Standing = "EDITOR" | "LEARNER" | "NONE";

export function standingOf(viewer: Viewer, instructorId: string | null, holdsEnrollment: boolean): Standing {
  if (viewerIsAdmin(viewer)) return "EDITOR";
  if (viewer.userId === null) return "NONE";
  if (viewer.userId === instructorId) return "EDITOR";
  return holdsEnrollment ? "LEARNER" : "NONE";
}

interface VersionLike {
  version: number;
  status: "PENDING_UPLOAD" | "READY";
}

/**
 * The version of an item a viewer is shown, or null when the item is not
 * there for them. Editors see the newest version, pending or not (what they
 * are working on); learners only ever the current READY one, so a new version
 * stays invisible until completeUpload makes it current.
 */
export function shownVersion<V extends VersionLike>(
  standing: Standing,
  item: { currentVersion: number | null },
  versions: readonly V[],
): V | null {
  if (standing === "EDITOR")
    return versions.reduce<V | null>((newest, v) => (!newest || v.version > newest.version ? v : newest), null);
  if (standing === "LEARNER" && item.currentVersion !== null) {
    return versions.find((v) => v.version === item.currentVersion && v.status === "READY") ?? null;
  }
  return null;
}

/** The history a viewer sees, oldest first: editors every version, learners the READY ones. */
export function visibleHistory<V extends VersionLike>(standing: Standing, versions: readonly V[]): V[] {
  const sorted = [...versions].sort((a, b) => a.version - b.version);
  if (standing === "EDITOR") return sorted;
  if (standing === "LEARNER") return sorted.filter((v) => v.status === "READY");
  return [];
}
