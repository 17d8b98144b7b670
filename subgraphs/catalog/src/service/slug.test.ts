import { nextFreeSlug, slugify } from "./slug";

describe("slugify", () => {
  it("lowercases, hyphenates and folds accents", () => {
    expect(slugify("Intro to Café  Rust!")).toBe("intro-to-cafe-rust");
    expect(slugify("  --C++ & Data: Part 2--  ")).toBe("c-data-part-2");
  });

  it("falls back when nothing usable is left", () => {
    expect(slugify("!!!")).toBe("course");
    expect(slugify("日本語", "category")).toBe("category");
  });

  it("caps the length without a trailing hyphen", () => {
    const slug = slugify(`${"a".repeat(79)} bcd`);
    expect(slug.length).toBeLessThanOrEqual(80);
    expect(slug.endsWith("-")).toBe(false);
  });
});

describe("nextFreeSlug", () => {
  it("keeps the base when it is free", () => {
    expect(nextFreeSlug("rust", ["rust-basics"])).toBe("rust");
  });

  it("suffixes -2, -3… on collision, filling the lowest gap", () => {
    expect(nextFreeSlug("rust", ["rust"])).toBe("rust-2");
    expect(nextFreeSlug("rust", ["rust", "rust-2"])).toBe("rust-3");
    expect(nextFreeSlug("rust", ["rust", "rust-3"])).toBe("rust-2");
  });
});
