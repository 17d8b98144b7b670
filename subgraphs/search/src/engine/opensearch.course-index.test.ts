import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { SearchEngineUnavailableError, type CourseDocument } from "./course-index";
import { OpenSearchCourseIndex } from "./opensearch.course-index";
import { ADA, FIXTURE_COURSES, FIXTURE_PREFIX, FIXTURE_SEARCH } from "./opensearch.fixture-courses";
import { readFixture, ReplayServer, type Exchange } from "./opensearch.fixtures";
import { CLAUSE_BUDGET, clauseCount, FUZZINESS, FUZZY_EXPANSIONS, planQuery } from "./opensearch.query";
import { parseSearchText } from "./search-text";
import { allowedEdits } from "./typos";

/**
 * The OpenSearch engine without a node: what it sends is compared with what
 * it sent to a real OpenSearch 2.19 (fixtures/opensearch.*.json, recorded by
 * opensearch.record-fixtures.ts), and what it makes of the answers is read
 * from that node's real answers. The contract suite
 * (tests/contract/course-index.test.ts) runs the same engine on a node.
 */
const [python, rust, german, data] = FIXTURE_COURSES as [
  CourseDocument,
  CourseDocument,
  CourseDocument,
  CourseDocument,
];
const ALIAS = FIXTURE_PREFIX;

type Json = Record<string, any>;

describe("OpenSearchCourseIndex on recorded OpenSearch exchanges", () => {
  let replay: ReplayServer;
  beforeAll(async () => {
    replay = await ReplayServer.start();
  });
  afterEach(() => replay.reset());
  afterAll(async () => replay.stop());

  const engine = () => new OpenSearchCourseIndex({ url: replay.url, indexPrefix: FIXTURE_PREFIX, refresh: true });

  /** Replays a fixture around `scenario` and checks the engine sent exactly the recorded requests. */
  async function replayed<T>(name: string, scenario: (index: OpenSearchCourseIndex) => Promise<T>) {
    const { exchanges } = readFixture(name);
    replay.play(exchanges);
    const index = engine();
    try {
      const result = await scenario(index);
      expect(replay.requests).toEqual(exchanges.map((exchange) => exchange.request));
      // every engine opens before its first request (the alias check); the scenarios assert what follows it
      const [opening, ...requests] = replay.requests as { method: string; path: string; body: any }[];
      expect(name === "open" || `${opening?.method} ${opening?.path}` === `HEAD /_alias/${ALIAS}`).toBe(true);
      return { result, requests: name === "open" ? [opening!, ...requests] : requests };
    } finally {
      await index.close();
    }
  }

  it("creates the live index with its analyzers, mapping and alias when there is none", async () => {
    const { requests } = await replayed("open", (index) => index.open());
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `HEAD /_alias/${ALIAS}`,
      `PUT /${ALIAS}-initial`, // a fixed name: replicas opening at once race for one index
    ]);
    const { settings, mappings, aliases } = requests[1]!.body as Json;
    expect(aliases).toEqual({ [ALIAS]: {} });
    expect(settings).toMatchObject({ number_of_shards: 1, refresh_interval: "1s" });
    const { analyzer, filter } = settings.analysis;
    // a language's own stop words and stemmer, then accents folded
    expect(analyzer.course_text_en.filter).toEqual([
      "course_english_possessive",
      "lowercase",
      "course_en_stop",
      "course_en_stemmer",
      "asciifolding",
    ]);
    expect(analyzer.course_text_de.filter).toEqual([
      "lowercase",
      "course_de_stop",
      "german_normalization",
      "course_de_stemmer",
      "asciifolding",
    ]);
    expect(filter.course_de_stemmer).toEqual({ type: "stemmer", language: "light_german" });
    expect(analyzer.course_text_fr.filter[0]).toBe("course_french_elision");
    expect(analyzer.course_words.filter).toEqual(["lowercase", "asciifolding"]);
    expect(filter.course_prefixes).toEqual({ type: "edge_ngram", min_gram: 1, max_gram: 20 });

    expect(mappings.dynamic).toBe("strict");
    const fields = mappings.properties;
    expect(fields.text.properties.de.properties.title).toEqual({
      type: "text",
      analyzer: "course_text_de",
      copy_to: ["words.title", "titlePrefix", "titleStart"],
    });
    expect(fields.text.properties.simple.properties.articles.analyzer).toBe("course_words");
    expect(fields.words.properties.description).toEqual({ type: "text", analyzer: "course_words" });
    expect(fields.titlePrefix).toEqual({
      type: "text",
      analyzer: "course_prefix",
      search_analyzer: "course_prefix_query",
    });
    expect(fields.priceAmount.type).toBe("long"); // never scaled_float: search_after on it skips documents in 2.19
    expect(fields.document).toEqual({ type: "object", enabled: false });
  });

  it("leaves an index that has its alias alone", async () => {
    replay.play([
      { request: { method: "HEAD", path: `/_alias/${ALIAS}`, body: null }, response: { status: 200, body: null } },
    ]);
    const index = engine();
    await index.open();
    await index.close();
    expect(replay.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`HEAD /_alias/${ALIAS}`]);
  });

  it("writes a batch in one _bulk, each course with its version as external version", async () => {
    const { requests } = await replayed("write", async (index) => {
      await index.write([python, rust]);
      // the recorded answer refuses this one with 409: the version guard working, not an error
      await index.write([{ ...python, version: python.version - 1, title: "Stale" }]);
    });
    expect(requests[0]!.path).toBe(`/${ALIAS}/_bulk?refresh=true`);
    const lines = requests[0]!.body as Json[];
    expect(lines).toHaveLength(4);
    expect(lines[0]).toEqual({ index: { _id: python.courseId, version: 3, version_type: "external_gte" } });
    expect(lines[2]).toEqual({ index: { _id: rust.courseId, version: 1, version_type: "external_gte" } });
    expect(lines[1]).toEqual({
      courseId: python.courseId,
      version: 3,
      visible: true,
      language: "en",
      textLanguage: "en",
      level: "BEGINNER",
      levelName: "beginner",
      categoryId: python.category!.id,
      categoryName: "Programming",
      instructorId: ADA.id,
      priceAmount: 0,
      publishedMillis: Date.parse(python.publishedAt!),
      titleLength: 27,
      text: {
        en: {
          title: "Python Testing from Scratch",
          outline: "Getting started · Fixtures & mocks · Ada Lovelace · Programming",
          description: "Write unit tests for your Python code.",
          articles: "<b>Welcome</b> to the course.",
        },
      },
      document: python,
    });
    const refused = readFixture("write").exchanges[2]!.response.body as Json; // after the alias check and the first write
    expect(refused.items[0].index.status).toBe(409);
  });

  it("searches words, a phrase and an exclusion under filters, page by page, and reads hits, highlights and facets", async () => {
    const { result, requests } = await replayed("search", async (index) => {
      const first = await index.search(FIXTURE_SEARCH);
      const second = await index.search({ ...FIXTURE_SEARCH, after: first.hits.at(-1)!.position });
      return { first, second };
    });
    // the stemmed languages a query goes through: those of the visible courses, most courses first
    expect(requests[0]!.body.aggs).toEqual({ languages: { terms: { field: "textLanguage", size: 1000 } } });

    const body = requests[1]!.body as Json;
    const { must, must_not, filter } = body.query.bool;
    const [pyhton, phrase] = must;
    const [stemmed, typos] = pyhton.dis_max.queries;
    expect(stemmed.multi_match).toMatchObject({ query: "pyhton", type: "phrase", zero_terms_query: "all" });
    expect(stemmed.multi_match.fields).toEqual(
      expect.arrayContaining(["text.en.title^20", "text.de.title^20", "text.en.articles^1"]),
    );
    expect(typos.multi_match).toMatchObject({ query: "pyhton", fuzziness: "AUTO:4,7", fuzzy_transpositions: true });
    expect(typos.multi_match.fields).toEqual([
      "words.title^20",
      "words.outline^8",
      "words.description^4",
      "words.articles^1",
      "levelName.words^4",
    ]);
    expect(phrase.dis_max.queries.map((q: Json) => [q.multi_match.query, q.multi_match.type])).toEqual([
      ["unit tests", "phrase"],
      ["unit tests", "phrase"],
    ]);
    expect(must_not).toEqual([{ multi_match: expect.objectContaining({ query: "rust", type: "phrase" }) }]);
    expect(filter).toEqual([{ term: { visible: true } }, { term: { instructorId: ADA.id } }]);
    // faceted filters after the aggregations; each facet counts under the others only
    expect(body.post_filter.bool.filter).toEqual([
      { terms: { level: ["BEGINNER", "INTERMEDIATE"] } },
      { terms: { language: ["en"] } },
      { range: { priceAmount: { lte: 5000 } } },
    ]);
    expect(body.aggs.level.filter.bool.filter).toEqual([
      { terms: { language: ["en"] } },
      { range: { priceAmount: { lte: 5000 } } },
    ]);
    expect(body.aggs.category.aggs.values).toEqual({
      terms: { field: "categoryId", size: 1000 },
      aggs: { name: { terms: { field: "categoryName", size: 1 } } },
    });
    expect(body).toMatchObject({ size: 2, track_total_hits: true, sort: [{ _score: "desc" }, { courseId: "asc" }] });
    expect(body.search_after).toBeUndefined();
    expect(body.highlight).toMatchObject({ encoder: "html", pre_tags: ["<mark>"], post_tags: ["</mark>"] });
    expect(requests[2]!.body.search_after).toEqual(result.first.hits[0]!.position);

    expect(result.first).toEqual({
      totalCount: 2,
      hits: [
        {
          courseId: python.courseId,
          highlight: "<mark>Python</mark> Testing from Scratch",
          position: [expect.any(Number), python.courseId],
        },
      ],
      facets: [
        {
          field: "category",
          buckets: [
            { value: data.category!.id, label: "Data", count: 1 },
            { value: python.category!.id, label: "Programming", count: 1 },
          ],
        },
        {
          field: "level",
          buckets: [
            { value: "BEGINNER", label: "Beginner", count: 1 },
            { value: "INTERMEDIATE", label: "Intermediate", count: 1 },
          ],
        },
        { field: "language", buckets: [{ value: "en", label: "English", count: 2 }] },
        {
          field: "priceBand",
          buckets: [
            { value: "FREE", label: "Free", count: 1 },
            { value: "25_TO_50", label: "25 to 50", count: 1 },
          ],
        },
        {
          field: "free",
          buckets: [
            { value: "true", label: "Free", count: 1 },
            { value: "false", label: "Paid", count: 1 },
          ],
        },
      ],
      hasNextPage: true,
    });
    expect(result.second.hits.map((hit) => hit.courseId)).toEqual([data.courseId]);
    expect(result.second.hasNextPage).toBe(false);
  });

  it("suggests from title word prefixes and gets a stored document", async () => {
    const { result, requests } = await replayed("suggest-get", async (index) => ({
      suggestions: await index.suggest("pyt da", 5),
      found: await index.get(python.courseId),
      missing: await index.get("00000000-0000-4000-8000-000000000000"),
    }));
    expect(requests[0]!.body).toEqual({
      size: 5,
      _source: ["document.title"],
      query: {
        bool: {
          filter: [{ term: { visible: true } }, { match: { titlePrefix: { query: "pyt da", operator: "and" } } }],
          should: [{ constant_score: { filter: { prefix: { titleStart: "pyt da" } }, boost: 1 } }],
        },
      },
      sort: [{ _score: "desc" }, { titleLength: "asc" }, { publishedMillis: "desc" }, { courseId: "asc" }],
    });
    expect(result).toEqual({
      suggestions: [{ courseId: data.courseId, title: "Python for Data Science" }],
      found: python,
      missing: null,
    });
  });

  it("rebuilds beside the live index, swaps the alias in one _aliases call, and abandons by deleting", async () => {
    const { requests } = await replayed("rebuild", async (index) => {
      const rebuild = await index.startRebuild();
      await rebuild.write([python, german]);
      await rebuild.activate();
      const abandoned = await index.startRebuild();
      await abandoned.write([rust]);
      await abandoned.abandon();
      await index.drop();
    });
    const fresh = /^PUT \/campus-courses-fixture-(\d{17})$/.exec(`${requests[2]!.method} ${requests[2]!.path}`)?.[1];
    expect(fresh).toBeDefined();
    const built = `${ALIAS}-${fresh}`;
    expect(requests.slice(3, 8).map((r) => `${r.method} ${r.path}`)).toEqual([
      `PUT /${built}/_bulk?refresh=true`, // straight into the new index
      `GET /_alias/${ALIAS}`,
      `GET /${built}/_refresh`, // searchable before it goes live
      "POST /_aliases",
      `DELETE /${ALIAS}-initial?ignore_unavailable=true`,
    ]);
    expect(requests[2]!.body.aliases).toBeUndefined(); // not live until activated
    expect(requests[6]!.body).toEqual({
      actions: [{ remove: { index: `${ALIAS}-initial`, alias: ALIAS } }, { add: { index: built, alias: ALIAS } }],
    });
    const abandonedIndex = requests[10]!.path.slice(1);
    expect(requests[12]).toMatchObject({ method: "DELETE", path: `/${abandonedIndex}?ignore_unavailable=true` });
    expect(requests.at(-1)).toMatchObject({ method: "DELETE", path: `/${built}?ignore_unavailable=true` });
  });

  describe("an engine that cannot answer", () => {
    const answer = (status: number, body: unknown): Exchange => ({
      request: { method: "POST", path: `/${ALIAS}/_search`, body: null },
      response: { status, body },
    });
    /** The alias check every engine makes first, answered "there". */
    const opened: Exchange = {
      request: { method: "HEAD", path: `/_alias/${ALIAS}`, body: null },
      response: { status: 200, body: null },
    };
    const search = () => engine().search({ text: parseSearchText("python"), filter: {}, first: 10 });

    it("is unavailable when the connection is refused", async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      const index = new OpenSearchCourseIndex({ url: `http://127.0.0.1:${port}`, indexPrefix: FIXTURE_PREFIX });
      const failure = await index.search(FIXTURE_SEARCH).catch((error: unknown) => error);
      await index.close();
      expect(failure).toBeInstanceOf(SearchEngineUnavailableError);
      expect((failure as Error).message).toMatch(/^search index \(opensearch\): /);
    });

    it("is unavailable on a 503 (after the client's one retry)", async () => {
      const unavailable = { error: { type: "cluster_block_exception", reason: "blocked" }, status: 503 };
      replay.play([opened, answer(503, unavailable), answer(503, unavailable)]);
      await expect(search()).rejects.toBeInstanceOf(SearchEngineUnavailableError);
      expect(replay.requests).toHaveLength(3);
    });

    it("is unavailable when _bulk rejects writes with 429", async () => {
      replay.play([
        opened,
        answer(200, {
          took: 1,
          errors: true,
          items: [
            {
              index: {
                _id: python.courseId,
                status: 429,
                error: { type: "es_rejected_execution_exception", reason: "queue full" },
              },
            },
          ],
        }),
      ]);
      await expect(engine().write([python])).rejects.toBeInstanceOf(SearchEngineUnavailableError);
    });

    it("is not open when the alias is missing", async () => {
      replay.play([
        opened,
        answer(404, { error: { type: "index_not_found_exception", reason: "no such index" }, status: 404 }),
      ]);
      const failure = await search().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(SearchEngineUnavailableError);
      expect((failure as Error).message).toBe("the search index is not open");
    });

    it("treats a refused request (400) as its own bug, not as the engine being down", async () => {
      replay.play([
        opened,
        answer(400, { error: { type: "parsing_exception", reason: "unknown query" }, status: 400 }),
      ]);
      const failure = await search().catch((error: unknown) => error);
      expect(failure).not.toBeInstanceOf(SearchEngineUnavailableError);
      expect((failure as Error).message).toMatch(/^search index \(opensearch\): request refused \(400\)/);
    });
  });
});

describe("the OpenSearch query plan", () => {
  it("forgives as many typos as typos.ts (AUTO:4,7: none below 4 letters, 1 up to 6, 2 from 7)", () => {
    const [, low, high] = /^AUTO:(\d+),(\d+)$/.exec(FUZZINESS)!.map(Number) as [number, number, number];
    for (let length = 1; length <= 12; length += 1) {
      expect(allowedEdits(length)).toBe(length < low ? 0 : length < high ? 1 : 2);
    }
  });

  it("queries every language with full typo expansion when the query is short", () => {
    const plan = planQuery(parseSearchText('pyhton "unit tests" -rust'), ["en", "de", "fr"]);
    expect(plan).toEqual({ languages: ["en", "de", "fr"], expansions: FUZZY_EXPANSIONS });
  });

  it("keeps the longest query within Lucene's clause limit, leaving out the rarest languages last", () => {
    const languages = [
      "en",
      "de",
      "fr",
      "es",
      "it",
      "pt",
      "nl",
      "sv",
      "da",
      "no",
      "fi",
      "ru",
      "hu",
      "ro",
      "tr",
      "simple",
    ];
    const text = parseSearchText(Array.from({ length: 16 }, (_, i) => `word${i}x`).join(" "));
    const plan = planQuery(text, languages);
    expect(clauseCount(text, plan)).toBeLessThanOrEqual(CLAUSE_BUDGET);
    expect(plan.languages).toEqual(languages.slice(0, plan.languages.length));
    expect(plan.expansions).toBeGreaterThan(0);
    const japanese = parseSearchText(Array.from({ length: 16 }, () => "日本語のコース").join(" "));
    expect(clauseCount(japanese, planQuery(japanese, languages))).toBeLessThanOrEqual(CLAUSE_BUDGET);
  });
});
