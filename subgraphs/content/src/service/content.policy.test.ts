import { randomUUID } from "node:crypto";
import type { Viewer } from "@campus/auth";
import { shownVersion, standingOf, visibleHistory } from "./content.policy";

const instructorId = randomUUID();
const teacher: Viewer = { userId: instructorId, roles: ["LEARNER", "INSTRUCTOR"] };
const admin: Viewer = { userId: randomUUID(), roles: ["ADMIN"] };
const learner: Viewer = { userId: randomUUID(), roles: ["LEARNER"] };
const anonymous: Viewer = { userId: null, roles: [] };

describe("standingOf", () => {
  it("makes the course's instructor and admins editors, enrolled learners learners, everyone else nobody", () => {
    expect(standingOf(teacher, instructorId, false)).toBe("EDITOR");
    expect(standingOf(admin, instructorId, false)).toBe("EDITOR");
    expect(standingOf(learner, instructorId, true)).toBe("LEARNER");
    expect(standingOf(learner, instructorId, false)).toBe("NONE");
    // another instructor is nobody to this course, enrolled or not in another
    expect(standingOf({ ...teacher, userId: randomUUID() }, instructorId, false)).toBe("NONE");
    expect(standingOf(anonymous, instructorId, true)).toBe("NONE");
    // a course catalog does not know has no instructor to match
    expect(standingOf(teacher, null, false)).toBe("NONE");
  });
});

describe("shownVersion and visibleHistory", () => {
  const v1 = { version: 1, status: "READY" as const };
  const v2 = { version: 2, status: "PENDING_UPLOAD" as const };
  const v3 = { version: 3, status: "READY" as const };

  it("shows editors the newest version and learners only the current READY one", () => {
    expect(shownVersion("EDITOR", { currentVersion: 1 }, [v1, v2])).toBe(v2);
    expect(shownVersion("LEARNER", { currentVersion: 1 }, [v1, v2])).toBe(v1);
    expect(shownVersion("LEARNER", { currentVersion: 3 }, [v1, v2, v3])).toBe(v3);
    expect(shownVersion("NONE", { currentVersion: 1 }, [v1])).toBeNull();
  });

  it("hides an item that was never READY from learners, not from editors", () => {
    const pending = { version: 1, status: "PENDING_UPLOAD" as const };
    expect(shownVersion("LEARNER", { currentVersion: null }, [pending])).toBeNull();
    expect(shownVersion("EDITOR", { currentVersion: null }, [pending])).toBe(pending);
  });

  it("lists every version to editors and the READY ones to learners, oldest first", () => {
    expect(visibleHistory("EDITOR", [v3, v1, v2])).toEqual([v1, v2, v3]);
    expect(visibleHistory("LEARNER", [v3, v1, v2])).toEqual([v1, v3]);
    expect(visibleHistory("NONE", [v1])).toEqual([]);
  });
});
