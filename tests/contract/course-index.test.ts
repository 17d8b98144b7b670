import { randomUUID } from "node:crypto";
import {
  parseSearchText,
  type CourseDocument,
  type CourseIndex,
  type CourseSearchPage,
  type SearchFilter,
} from "@campus/search";
import { courseIndexSetups } from "../support/course-indexes";

/**
 * One contract, two engines (docs/search.md): PostgreSQL full-text search on
 * PGlite (the embedded default) and on PostgreSQL, and OpenSearch when
 * OPENSEARCH_URL is set (`pnpm servers start opensearch`). The corpus is made
 * so each rule has exactly one right answer.
 */
const print = (line: string) => process.stdout.write(`${line}\n`);

const setups = courseIndexSetups();
for (const setup of setups) if (setup.skipReason) print(`[course-index contract] ${setup.skipReason}`);

const PROGRAMMING = { id: randomUUID(), name: "Programming" };
const DESIGN = { id: randomUUID(), name: "Design" };
const LANGUAGES = { id: randomUUID(), name: "Languages" };
const MUSIC = { id: randomUUID(), name: "Music" };
const ADA = { id: randomUUID(), name: "Ada Lovelace" };
const GRACE = { id: randomUUID(), name: "Grace Hopper" };

let clock = Date.parse("2026-06-01T00:00:00Z");
function course(fields: Partial<CourseDocument> & Pick<CourseDocument, "title">): CourseDocument {
  clock += 3_600_000;
  return {
    courseId: randomUUID(),
    version: 1,
    visible: true,
    slug: fields.title.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
    description: "",
    level: "BEGINNER",
    language: "en",
    category: PROGRAMMING,
    price: { amount: 0, currency: "USD" },
    instructor: GRACE,
    moduleTitles: [],
    articleText: "",
    publishedAt: new Date(clock).toISOString(),
    ...fields,
  };
}

const python = course({
  title: "Python from Scratch",
  description: "Learn to program step by step.",
  instructor: ADA,
  moduleTitles: ["Getting started", "Variables and loops"],
  articleText: "Welcome! Together we write our first tests and run them.",
});
const rust = course({
  title: "Practical Rust",
  level: "INTERMEDIATE",
  price: { amount: 2900, currency: "USD" },
  description: "Systems programming for people who know Python already.",
});
const testing = course({
  title: "Testing in Depth",
  level: "ADVANCED",
  price: { amount: 4900, currency: "USD" },
  instructor: ADA,
  description: "Unit tests, integration tests and property-based testing for busy teams.",
});
const colour = course({
  title: "Colour Theory",
  category: DESIGN,
  price: { amount: 1900, currency: "USD" },
  description: "How colours work together on screen and in print.",
});
const german = course({
  title: "Deutsch für Anfänger",
  category: LANGUAGES,
  language: "de",
  price: { amount: 9900, currency: "EUR" },
  description: "Wir lernen die Sprache mit kurzen Übungen und vielen Liedern.",
});
const jazz = course({
  title: "Jazz Harmony",
  category: MUSIC,
  level: "ADVANCED",
  price: { amount: 12900, currency: "USD" },
  description: "Chords, voicings and reharmonisation.",
});
const ml = course({
  title: "Machine Learning Basics",
  level: "INTERMEDIATE",
  price: { amount: 7900, currency: "USD" },
  description: "Classification with scikit-learn.",
  moduleTitles: ["Linear regression", "Decision trees"],
});
const unsafe = course({
  title: "Web Security <script>alert(1)</script>",
  level: "ADVANCED",
  price: { amount: 4900, currency: "USD" },
  description: 'Escaping "quotes" & <b>tags</b> in templates.',
});
const hidden = course({ title: "Python Secrets", visible: false, description: "Never shown." });
const CORPUS = [python, rust, testing, colour, german, jazz, ml, unsafe, hidden];
const VISIBLE = CORPUS.filter((doc) => doc.visible);

const ids = (page: CourseSearchPage) => page.hits.map((hit) => hit.courseId);
const titles = (page: CourseSearchPage) =>
  ids(page).map((id) => CORPUS.find((doc) => doc.courseId === id)?.title ?? id);

describe.each(setups.filter((setup) => !setup.skipReason))("course index contract: $name", (setup) => {
  let index: CourseIndex;
  let close: () => Promise<void>;
  const search = (text: string, filter: SearchFilter = {}, first = 20) =>
    index.search({ text: parseSearchText(text), filter, first });

  beforeAll(async () => {
    ({ index, close } = await setup.open());
    await index.open();
    await index.write(CORPUS);
  }, 120_000);
  afterAll(async () => close?.());

  describe("matching", () => {
    it("lists every visible course for an empty text, newest first", async () => {
      const page = await search("");
      expect(page.totalCount).toBe(VISIBLE.length);
      expect(ids(page)).toEqual(
        [...VISIBLE].sort((a, b) => b.publishedAt!.localeCompare(a.publishedAt!)).map((doc) => doc.courseId),
      );
      expect(page.hits.every((hit) => hit.highlight === null)).toBe(true);
    });

    it("never returns a hidden course", async () => {
      expect(ids(await search("secrets"))).toEqual([]);
      expect(ids(await search("python"))).not.toContain(hidden.courseId);
    });

    it("ranks a title match above a description match", async () => {
      expect(titles(await search("python"))).toEqual(["Python from Scratch", "Practical Rust"]);
    });

    it.each([
      ["pyhton", "Python from Scratch"],
      ["pyhton begginer", "Python from Scratch"],
      ["hramony", "Jazz Harmony"],
      ["machne lerning", "Machine Learning Basics"],
    ])("forgives typos: %s", async (text, title) => {
      expect(titles(await search(text))[0]).toBe(title);
    });

    it("stems: testing finds tests, and tests finds testing", async () => {
      expect(titles(await search("testing"))).toContain("Testing in Depth");
      expect(titles(await search("testing"))).toContain("Python from Scratch"); // article: "our first tests"
      expect(titles(await search("tested"))[0]).toBe("Testing in Depth");
    });

    it("stems in the course's language", async () => {
      expect(titles(await search("lied"))).toEqual(["Deutsch für Anfänger"]);
      expect(titles(await search("sprachen"))).toEqual(["Deutsch für Anfänger"]);
    });

    it("matches a quoted phrase as a phrase", async () => {
      expect(titles(await search('"unit tests"'))).toEqual(["Testing in Depth"]);
      expect(titles(await search('"tests unit"'))).toEqual([]);
    });

    it("leaves out -excluded words", async () => {
      expect(titles(await search("python -rust"))).toEqual(["Python from Scratch"]);
      expect(titles(await search("python -practical"))).toEqual(["Python from Scratch"]);
    });

    it("requires every word", async () => {
      expect(titles(await search("python systems"))).toEqual(["Practical Rust"]);
    });

    it.each([
      ["regression", "Machine Learning Basics"], // module title
      ["lovelace", "Python from Scratch"], // instructor (Ada teaches two)
      ["welcome", "Python from Scratch"], // article text
      ["colours", "Colour Theory"],
      ["music", "Jazz Harmony"], // category name
    ])("searches every field: %s", async (text, title) => {
      expect(titles(await search(text))).toContain(title);
    });

    it("ignores stop words rather than requiring them", async () => {
      expect(titles(await search("python for the beginner"))[0]).toBe("Python from Scratch");
      // nothing but stop words constrains nothing
      expect((await search("for the")).totalCount).toBe(VISIBLE.length);
      expect(ids(await search("the -python")).sort()).toEqual(
        VISIBLE.filter((doc) => ![python.courseId, rust.courseId].includes(doc.courseId))
          .map((doc) => doc.courseId)
          .sort(),
      );
    });

    it.each([
      '"',
      "-",
      "*",
      ":",
      "(",
      ")",
      "title:(python",
      "python AND NOT rust OR",
      "\\",
      "a/b [c] {d} ^e ~f !g ?h |i &j",
      "🐍🚀",
      "日本語のコース",
      "' OR 1=1; --",
      "%_%",
      "x".repeat(40),
    ])("answers any characters without an engine error: %j", async (text) => {
      const page = await search(text);
      expect(page.totalCount).toBeGreaterThanOrEqual(0);
    });
  });

  describe("highlight", () => {
    it("marks the matched words in context", async () => {
      const [hit] = (await search("python")).hits;
      expect(hit!.highlight).toMatch(/<mark>Python<\/mark>/);
    });

    it("escapes the course's own text", async () => {
      const hits = (await search("security")).hits;
      expect(hits).toHaveLength(1);
      expect(hits[0]!.highlight).toContain("&lt;script&gt;");
      expect(hits[0]!.highlight).not.toContain("<script>");
      const quoted = (await search("escaping")).hits[0]!.highlight!;
      expect(quoted).not.toMatch(/<b>/);
    });
  });

  describe("filters and facets", () => {
    const facet = (page: CourseSearchPage, field: string) =>
      Object.fromEntries(page.facets.find((f) => f.field === field)!.buckets.map((b) => [b.value, b.count]));

    it("filters", async () => {
      expect(ids(await search("", { levels: ["ADVANCED"] })).sort()).toEqual(
        [testing, jazz, unsafe].map((d) => d.courseId).sort(),
      );
      expect(ids(await search("", { categoryIds: [DESIGN.id, MUSIC.id] })).sort()).toEqual(
        [colour, jazz].map((d) => d.courseId).sort(),
      );
      expect(ids(await search("", { free: true }))).toEqual([python.courseId]);
      expect(ids(await search("", { free: false })).length).toBe(VISIBLE.length - 1);
      expect(ids(await search("", { maxPrice: 2900 })).sort()).toEqual(
        [python, rust, colour].map((d) => d.courseId).sort(),
      );
      expect(ids(await search("", { languages: ["de"] }))).toEqual([german.courseId]);
      expect(ids(await search("", { instructorId: ADA.id })).sort()).toEqual(
        [python, testing].map((d) => d.courseId).sort(),
      );
      expect(ids(await search("python", { levels: ["INTERMEDIATE"] }))).toEqual([rust.courseId]);
    });

    it("counts each facet under the other filters but not its own", async () => {
      const page = await search("", { levels: ["ADVANCED"], categoryIds: [PROGRAMMING.id] });
      expect(page.totalCount).toBe(2); // testing, unsafe
      // level: every level of Programming courses
      expect(facet(page, "level")).toEqual({ BEGINNER: 1, INTERMEDIATE: 2, ADVANCED: 2 });
      // category: every category of ADVANCED courses
      expect(facet(page, "category")).toEqual({ [PROGRAMMING.id]: 2, [MUSIC.id]: 1 });
      expect(facet(page, "priceBand")).toEqual({ "25_TO_50": 2 });
      expect(facet(page, "free")).toEqual({ false: 2 });
      expect(facet(page, "language")).toEqual({ en: 2 });
    });

    it("labels buckets and orders fixed scales in their own order", async () => {
      const page = await search("");
      expect(page.facets.map((f) => f.field)).toEqual(["category", "level", "language", "priceBand", "free"]);
      const category = page.facets.find((f) => f.field === "category")!.buckets;
      expect(category[0]).toEqual({ value: PROGRAMMING.id, label: "Programming", count: 5 });
      expect(page.facets.find((f) => f.field === "level")!.buckets.map((b) => b.label)).toEqual([
        "Beginner",
        "Intermediate",
        "Advanced",
      ]);
      expect(page.facets.find((f) => f.field === "language")!.buckets).toEqual([
        { value: "en", label: "English", count: 7 },
        { value: "de", label: "German", count: 1 },
      ]);
      expect(facet(page, "priceBand")).toEqual({ FREE: 1, UP_TO_25: 1, "25_TO_50": 3, "50_TO_100": 2, OVER_100: 1 });
      expect(page.facets.find((f) => f.field === "free")!.buckets.map((b) => b.label)).toEqual(["Free", "Paid"]);
    });

    it("counts facets for the text too", async () => {
      const page = await search("python");
      expect(page.totalCount).toBe(2);
      expect(facet(page, "level")).toEqual({ BEGINNER: 1, INTERMEDIATE: 1 });
    });
  });

  describe("pages", () => {
    const filler = Array.from({ length: 25 }, (_, i) =>
      course({
        title: `Filler course ${i}`,
        category: MUSIC,
        description: i % 2 ? "filler filler filler" : "filler",
        // same instant for many: the order must still be total
        publishedAt: "2026-01-01T00:00:00.000Z",
      }),
    );
    beforeAll(async () => {
      await index.write(filler);
    });
    afterAll(async () => {
      await index.write(filler.map((doc) => ({ ...doc, version: 2, visible: false })));
    });

    it.each(["filler", ""])("walks %j page by page without gaps or repeats", async (text) => {
      const seen: string[] = [];
      let after: readonly (string | number)[] | undefined;
      let pages = 0;
      const filter = { categoryIds: [MUSIC.id] };
      for (;;) {
        const page = await index.search({ text: parseSearchText(text), filter, first: 7, after });
        pages += 1;
        expect(page.totalCount).toBe(text ? 25 : 26);
        seen.push(...ids(page));
        if (!page.hasNextPage) break;
        after = page.hits.at(-1)!.position;
        expect(pages).toBeLessThan(10);
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBe(text ? 25 : 26);
    });
  });

  describe("writes", () => {
    it("keeps the higher version whatever the order of writes", async () => {
      const doc = course({ title: "Versioned Course", version: 5 });
      await index.write([doc]);
      await index.write([{ ...doc, version: 4, title: "Stale Title" }]);
      expect((await index.get(doc.courseId))?.title).toBe("Versioned Course");
      await index.write([{ ...doc, version: 6, visible: false }]);
      await index.write([{ ...doc, version: 5 }]);
      expect(await index.get(doc.courseId)).toMatchObject({ version: 6, visible: false });
      expect(ids(await search("versioned"))).toEqual([]);
      await index.write([{ ...doc, version: 7, title: "Versioned Again" }]);
      expect(titles(await search("versioned"))).toHaveLength(1);
    });

    it("updates what a course is found by", async () => {
      const doc = course({ title: "Renamed Later", instructor: { id: randomUUID(), name: "Old Name" } });
      await index.write([doc]);
      expect(ids(await search("old name"))).toEqual([doc.courseId]);
      await index.write([{ ...doc, version: 2, instructor: { ...doc.instructor, name: "Brand Newname" } }]);
      expect(ids(await search("newname"))).toEqual([doc.courseId]);
      expect(ids(await search('"old name"'))).toEqual([]);
    });
  });

  describe("suggest", () => {
    it.each([
      ["pyt", ["Python from Scratch"]],
      ["Pra", ["Practical Rust"]],
      ["jazz har", ["Jazz Harmony"]],
      ["ja ha", ["Jazz Harmony"]], // every word is a prefix
      ["scr pyt", ["Python from Scratch"]],
      ["scratch", ["Python from Scratch"]],
      ["zzz", []],
      ["🐍", []],
      ["", []],
    ])("completes %j", async (prefix, expected) => {
      expect((await index.suggest(prefix, 8)).map((s) => s.title)).toEqual(expected);
    });

    it("puts titles starting with the prefix first, and stops at the limit", async () => {
      const docs = ["Drums for Everyone", "Advanced Drumming", "Drum Machines", "Electronic Drum Kits"].map((title) =>
        course({ title, category: MUSIC }),
      );
      await index.write(docs);
      const all = (await index.suggest("drum", 8)).map((s) => s.title);
      expect(all).toHaveLength(4);
      expect(all.slice(0, 2).sort()).toEqual(["Drum Machines", "Drums for Everyone"]);
      expect(await index.suggest("drum", 2)).toHaveLength(2);
    });
  });

  describe("rebuild", () => {
    it("serves the live index until the new one is activated, then only the new", async () => {
      const rebuild = await index.startRebuild();
      await rebuild.write([python, { ...colour, version: 2, title: "Colour Theory Rebuilt" }]);
      expect((await search("")).totalCount).toBeGreaterThan(2);
      expect(ids(await search("rebuilt"))).toEqual([]);
      await rebuild.activate();
      expect((await search("")).totalCount).toBe(2);
      expect(ids(await search("rebuilt"))).toEqual([colour.courseId]);
      expect((await index.get(colour.courseId))?.title).toBe("Colour Theory Rebuilt");
      const abandoned = await index.startRebuild();
      await abandoned.write([jazz]);
      await abandoned.abandon();
      expect((await search("")).totalCount).toBe(2);
      await index.write(CORPUS); // the later tests' corpus (none follow, but keep it whole)
    });
  });
});
