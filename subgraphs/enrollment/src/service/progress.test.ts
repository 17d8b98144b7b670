import { computeProgress, statusForProgress } from "./progress";

describe("progress rule", () => {
  const modules = ["m1", "m2", "m3", "m4"];

  it("is the share of the course's modules completed", () => {
    expect(computeProgress([], modules)).toBe(0);
    expect(computeProgress(["m1"], modules)).toBe(0.25);
    expect(computeProgress(["m1", "m3", "m4"], modules)).toBe(0.75);
    expect(computeProgress(modules, modules)).toBe(1);
  });

  it("ignores completions of modules no longer in the course", () => {
    expect(computeProgress(["m1", "gone", "also-gone"], modules)).toBe(0.25);
    expect(computeProgress([...modules, "gone"], modules)).toBe(1);
  });

  it("counts a module once however often it is listed", () => {
    expect(computeProgress(["m1", "m1", "m1"], modules)).toBe(0.25);
  });

  it("is 0 for a course without modules", () => {
    expect(computeProgress(["m1"], [])).toBe(0);
  });

  it("completes at 1 and keeps the first completion time", () => {
    const first = new Date("2026-01-01T00:00:00Z");
    const later = new Date("2026-02-01T00:00:00Z");
    expect(statusForProgress(1, null, first)).toEqual({ status: "COMPLETED", completedAt: first });
    expect(statusForProgress(1, first, later)).toEqual({ status: "COMPLETED", completedAt: first });
  });

  it("is ACTIVE without a completion time below 1", () => {
    expect(statusForProgress(0.75, new Date(), new Date())).toEqual({ status: "ACTIVE", completedAt: null });
    expect(statusForProgress(0, null, new Date())).toEqual({ status: "ACTIVE", completedAt: null });
  });
});
