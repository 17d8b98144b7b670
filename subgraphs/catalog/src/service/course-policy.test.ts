import type { Viewer } from "@campus/auth";
import { DomainError } from "@campus/errors";
import {
  assertCanCreate,
  assertCanEdit,
  assertModuleRemovable,
  assertPublishable,
  assertSameModules,
  canEditCourse,
  canViewCourse,
  listingStatuses,
} from "./course-policy";

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

  it("hides drafts from everyone but their editors; archived stays readable", () => {
    expect(canViewCourse(learner, draft)).toBe(false);
    expect(canViewCourse(otherInstructor, draft)).toBe(false);
    expect(canViewCourse(owner, draft)).toBe(true);
    expect(canViewCourse(admin, draft)).toBe(true);
    expect(canViewCourse(anonymous, archived)).toBe(true);
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
