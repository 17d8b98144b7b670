import { DomainError } from "@campus/errors";
import { validateCreate, validateUpdate, type CreateCourseInput } from "./course.input";

const valid: CreateCourseInput = {
  title: "Rust for Pythonistas",
  description: "Ownership without tears.",
  level: "BEGINNER",
  price: { amount: 1999, currency: "EUR" },
};

function fieldOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("BAD_USER_INPUT");
    return (error as DomainError).extensions.field as string;
  }
  throw new Error("expected a validation error");
}

describe("course input validation", () => {
  it("accepts a valid course, trims the title and defaults language and capacity", () => {
    expect(validateCreate({ ...valid, title: "  Rust for Pythonistas " })).toMatchObject({
      title: "Rust for Pythonistas",
      priceAmount: 1999,
      priceCurrency: "EUR",
      capacity: null,
      language: "en",
      categoryId: null,
    });
  });

  it.each([
    ["title", { title: "ab" }],
    ["title", { title: "x".repeat(201) }],
    ["description", { description: "x".repeat(10_001) }],
    ["price.amount", { price: { amount: -1, currency: "EUR" } }],
    ["price.amount", { price: { amount: 9.5, currency: "EUR" } }],
    ["price.currency", { price: { amount: 100, currency: "eur" } }],
    ["price.currency", { price: { amount: 100, currency: "EURO" } }],
    ["capacity", { capacity: 0 }],
    ["language", { language: "English" }],
  ])("refuses a bad %s", (field, change) => {
    expect(fieldOf(() => validateCreate({ ...valid, ...change } as CreateCourseInput))).toBe(field);
  });

  it("accepts the boundaries", () => {
    expect(() =>
      validateCreate({ ...valid, title: "abc", capacity: 1, price: { amount: 0, currency: "USD" } }),
    ).not.toThrow();
    expect(() => validateCreate({ ...valid, title: "x".repeat(200), description: "x".repeat(10_000) })).not.toThrow();
  });

  it("updates only what was given; null clears capacity and category but not the title", () => {
    expect(validateUpdate({ title: null, capacity: null, categoryId: null })).toEqual({
      capacity: null,
      categoryId: null,
    });
    expect(validateUpdate({ price: { amount: 0, currency: "GBP" } })).toEqual({ priceAmount: 0, priceCurrency: "GBP" });
    expect(fieldOf(() => validateUpdate({ title: "no" }))).toBe("title");
  });
});
