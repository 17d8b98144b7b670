import type { Viewer } from "@campus/auth";
import { DomainError } from "@campus/errors";
import {
  assertCanCreate,
  assertCanEdit,
  assertModuleRemovable,
  assertPublishable,
  assertSameModules,
  canEditCourse,
  canReadCourseContent,
  canViewCourse,
  listingStatuses,
  needsLearnerFact,
} from "./course.policy";

const owner: Viewer = { userId: "u-owner", roles: ["LEARNER", "INSTRUCTOR"] };
const otherInstructor: Viewer = { userId: "u-other", roles: ["INSTRUCTOR"] };
const admin: Viewer = { userId: "u-admin", roles: ["ADMIN"] };
const learner: Viewer = { userId: "u-learner", roles: ["LEARNER"] };
const anonymous: Viewer = { userId: null, roles: [] };

const draft = { instructorId: "u-owner", status: "DRAFT" as const };
const published = { ...draft, status: "PUBLISHED" as const };
const archived = { ...draft, status: "ARCHIVED" as const };

const codeOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return (error as DomainError).code;
  }
  return "none";
};

describe("ownership", () => {
  it("lets only the instructor and admins edit", () => {
    expect(canEditCourse(owner, draft)).toBe(true);
    expect(canEditCourse(admin, draft)).toBe(true);
    expect(canEditCourse(otherInstructor, draft)).toBe(false);
    expect(canEditCourse(anonymous, draft)).toBe(false);
    expect(codeOf(() => assertCanEdit(otherInstructor, published))).toBe("FORBIDDEN");
    expect(codeOf(() => assertCanEdit(anonymous, published))).toBe("UNAUTHENTICATED");
  });

  it("lets only instructors and admins create", () => {
    expect(codeOf(() => assertCanCreate(owner))).toBe("none");
    expect(codeOf(() => assertCanCreate(admin))).toBe("none");
    expect(codeOf(() => assertCanCreate(learner))).toBe("FORBIDDEN");
  });

  it("hides drafts from everyone but their editors, even from someone recorded as a learner", () => {
    expect(canViewCourse(learner, draft, false)).toBe(false);
    expect(canViewCourse(learner, draft, true)).toBe(false);
    expect(canViewCourse(otherInstructor, draft, false)).toBe(false);
    expect(canViewCourse(owner, draft, false)).toBe(true);
    expect(canViewCourse(admin, draft, false)).toBe(true);
  });

  it("shows published courses to everyone", () => {
    for (const viewer of [anonymous, learner, otherInstructor, owner, admin]) {
      expect(canViewCourse(viewer, published, false)).toBe(true);
    }
  });

  it("shows archived courses to their editors and learners only", () => {
    expect(canViewCourse(owner, archived, false)).toBe(true);
    expect(canViewCourse(admin, archived, false)).toBe(true);
    expect(canViewCourse(learner, archived, true)).toBe(true);
    expect(canViewCourse(learner, archived, false)).toBe(false);
    expect(canViewCourse(otherInstructor, archived, false)).toBe(false);
    expect(canViewCourse(anonymous, archived, false)).toBe(false);
    // a fact about nobody grants nothing
    expect(canViewCourse(anonymous, archived, true)).toBe(false);
  });

  it("asks whether the viewer is a learner only where the answer depends on it", () => {
    expect(needsLearnerFact(learner, archived)).toBe(true);
    expect(needsLearnerFact(otherInstructor, archived)).toBe(true);
    expect(needsLearnerFact(owner, archived)).toBe(false);
    expect(needsLearnerFact(admin, archived)).toBe(false);
    expect(needsLearnerFact(anonymous, archived)).toBe(false);
    expect(needsLearnerFact(learner, published)).toBe(false);
    expect(needsLearnerFact(learner, draft)).toBe(false);
  });

  it("keeps archived content readable on every path, draft content private to editors", () => {
    expect(canReadCourseContent(anonymous, archived)).toBe(true);
    expect(canReadCourseContent(anonymous, published)).toBe(true);
    expect(canReadCourseContent(learner, draft)).toBe(false);
    expect(canReadCourseContent(owner, draft)).toBe(true);
  });
});

describe("listing visibility", () => {
  it("is PUBLISHED only for the public, whatever status is asked for", () => {
    expect(listingStatuses(learner, {})).toEqual(["PUBLISHED"]);
    expect(listingStatuses(learner, { instructorId: "u-owner" })).toEqual(["PUBLISHED"]);
    expect(listingStatuses(learner, { instructorId: "u-owner", status: "DRAFT" })).toEqual([]);
    expect(listingStatuses(anonymous, { instructorId: "", status: "ARCHIVED" })).toEqual([]);
  });

  it("shows every status to an instructor listing their own courses, and to admins", () => {
    expect(listingStatuses(owner, { instructorId: "u-owner" })).toEqual(["DRAFT", "PUBLISHED", "ARCHIVED"]);
    expect(listingStatuses(owner, { instructorId: "u-owner", status: "DRAFT" })).toEqual(["DRAFT"]);
    expect(listingStatuses(admin, { instructorId: "u-owner", status: "ARCHIVED" })).toEqual(["ARCHIVED"]);
    // without naming an instructor, even admins browse the public catalog
    expect(listingStatuses(admin, {})).toEqual(["PUBLISHED"]);
  });
});

describe("publishing", () => {
  it("needs at least one module", () => {
    expect(codeOf(() => assertPublishable(draft, 0))).toBe("BAD_USER_INPUT");
    expect(assertPublishable(draft, 1)).toBe(true);
  });

  it("is idempotent for a published course and refused for an archived one", () => {
    expect(assertPublishable(published, 0)).toBe(false);
    expect(codeOf(() => assertPublishable(archived, 3))).toBe("CONFLICT");
  });

  it("keeps a published course from losing its last module", () => {
    expect(codeOf(() => assertModuleRemovable(published, 1))).toBe("CONFLICT");
    expect(codeOf(() => assertModuleRemovable(published, 2))).toBe("none");
    expect(codeOf(() => assertModuleRemovable(draft, 1))).toBe("none");
  });
});

describe("reorder validation", () => {
  const current = ["a", "b", "c"];

  it("accepts any permutation of exactly the course's modules", () => {
    expect(assertSameModules(current, ["c", "a", "b"])).toEqual(["c", "a", "b"]);
  });

  it.each([
    ["a missing id", ["a", "b"]],
    ["a duplicate", ["a", "b", "b"]],
    ["a foreign id", ["a", "b", "x"]],
    ["an extra id", ["a", "b", "c", "x"]],
  ])("refuses %s", (_case, requested) => {
    expect(codeOf(() => assertSameModules(current, requested))).toBe("BAD_USER_INPUT");
  });
});
