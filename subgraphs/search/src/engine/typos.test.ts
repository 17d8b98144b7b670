import { allowedEdits, editDistance } from "./typos";

describe("editDistance", () => {
  it.each([
    ["python", "python", 0],
    ["pyhton", "python", 1], // a swap of neighbours is one edit
    ["begginer", "beginner", 2],
    ["machne", "machine", 1],
    ["", "abc", 3],
    ["kitten", "sitting", 3],
  ])("%s → %s = %d", (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe("allowedEdits", () => {
  it("leaves short words alone and allows more for long ones", () => {
    expect([3, 4, 6, 7, 12].map(allowedEdits)).toEqual([0, 1, 1, 2, 2]);
  });
});
