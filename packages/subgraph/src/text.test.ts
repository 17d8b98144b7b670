import { DomainError } from "@campus/errors";
import { readableText } from "./text";

const name = (value: string) => readableText(value, { field: "name", min: 1, max: 10 });
const summary = (value: string) => readableText(value, { field: "summary", min: 0, max: 50, multiline: true });

function refusal(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("BAD_USER_INPUT");
    return (error as DomainError).message;
  }
  throw new Error("expected BAD_USER_INPUT");
}

describe("readableText", () => {
  it("trims and keeps ordinary names, emoji sequences with zero-width joiners included", () => {
    expect(name("  Ada  ")).toBe("Ada");
    expect(name("José 李")).toBe("José 李");
    expect(name("👩‍💻 Dev")).toBe("👩‍💻 Dev");
  });

  it("counts code points, not UTF-16 units", () => {
    expect(name("😀".repeat(10))).toHaveLength(20);
    expect(refusal(() => name("😀".repeat(11)))).toMatch(/1 to 10/);
  });

  it.each([
    ["only zero-width characters", "\u200b\u200c\u200d\u2060"],
    ["a byte-order mark and a zero-width space", "\ufeff\u200b"],
    ["only combining marks", "\u0301\u0301"],
  ])("refuses a name made of %s", (_what, value) => {
    expect(refusal(() => name(value))).toMatch(/visible character/);
  });

  it.each([
    ["right-to-left override", "Ad\u202ea"],
    ["left-to-right isolate", "\u2066Ada"],
    ["right-to-left mark", "Ada\u200f"],
  ])("refuses a %s", (_what, value) => {
    expect(refusal(() => name(value))).toMatch(/bidirectional/);
  });

  it("refuses control characters; multi-line text may hold line breaks and tabs", () => {
    expect(refusal(() => name("A\nB"))).toMatch(/control/);
    expect(refusal(() => name("A\u0007"))).toMatch(/control/);
    expect(summary("line one\n\tline two")).toBe("line one\n\tline two");
    expect(refusal(() => summary("bell\u0007"))).toMatch(/control/);
    expect(summary("")).toBe("");
  });
});
