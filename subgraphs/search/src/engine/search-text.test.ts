import { MAX_WORDS, parseSearchText } from "./search-text";

describe("parseSearchText", () => {
  it.each([
    ["pyhton for begginers", { words: ["pyhton", "for", "begginers"], phrases: [], excluded: [] }],
    ['"unit tests" python', { words: ["python"], phrases: [["unit", "tests"]], excluded: [] }],
    ["python -java", { words: ["python"], phrases: [], excluded: ["java"] }],
    ['-"java" rust', { words: ["rust"], phrases: [], excluded: ["java"] }],
    ["e-learning", { words: ["e", "learning"], phrases: [], excluded: [] }],
    ['"single"', { words: ["single"], phrases: [], excluded: [] }],
    ['unbalanced "quote here', { words: ["unbalanced", "quote", "here"], phrases: [], excluded: [] }],
    [
      "title:python (a OR b) * ~2 ^3 \\ / && || !",
      { words: ["title", "python", "a", "or", "b", "2", "3"], phrases: [], excluded: [] },
    ],
    ["Ünïcode ÇAFÉ 日本語 🐍🚀", { words: ["ünïcode", "çafé", "日本語"], phrases: [], excluded: [] }],
    ["🐍", { words: [], phrases: [], excluded: [] }],
    ["   ", { words: [], phrases: [], excluded: [] }],
    ['- -- "" \'', { words: [], phrases: [], excluded: [] }],
  ])("%s", (input, expected) => {
    expect(parseSearchText(input)).toEqual(expected);
  });

  it("keeps at most MAX_WORDS words in all", () => {
    const text = parseSearchText(Array.from({ length: 40 }, (_, i) => `w${i}`).join(" "));
    expect(text.words).toHaveLength(MAX_WORDS);
    expect(text.words[0]).toBe("w0");
  });

  it("cuts absurdly long words", () => {
    expect(parseSearchText("a".repeat(300)).words[0]).toHaveLength(40);
  });
});
