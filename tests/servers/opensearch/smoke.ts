/**
 * Smoke test of the test node against the features the search subgraph needs. Not part of the jest suite
 * (it needs the node running):
 *
 *   cd tests && node -r @swc-node/register servers/opensearch/smoke.ts
 *
 * Uses OPENSEARCH_URL (default http://127.0.0.1:9200). Creates and deletes its own indices (smoke-*).
 * Prints one PASS/FAIL line per check and exits non-zero when any check fails.
 */
import { Client } from "@opensearch-project/opensearch";

const url = process.env.OPENSEARCH_URL ?? "http://127.0.0.1:9200";
const client = new Client({ node: url });

const V1 = "smoke-courses-v1";
const V2 = "smoke-courses-v2";
const ALIAS = "smoke-courses";

const analysis = {
  char_filter: {},
  tokenizer: {
    autocomplete_edge: { type: "edge_ngram", min_gram: 2, max_gram: 15, token_chars: ["letter", "digit"] },
  },
  filter: {
    english_possessive: { type: "stemmer", language: "possessive_english" },
    english_stemmer: { type: "stemmer", language: "english" },
    german_stemmer: { type: "stemmer", language: "light_german" },
    french_elision: { type: "elision", articles_case: true, articles: ["l", "d", "qu", "j", "c", "n", "s", "t", "m"] },
    french_stemmer: { type: "stemmer", language: "light_french" },
    spanish_stemmer: { type: "stemmer", language: "light_spanish" },
    prefix_ngrams: { type: "edge_ngram", min_gram: 2, max_gram: 15 },
    course_synonyms: { type: "synonym", synonyms: ["js, javascript", "ts, typescript", "ml, machine learning"] },
  },
  analyzer: {
    content: {
      type: "custom",
      tokenizer: "standard",
      filter: ["lowercase", "asciifolding", "english_possessive", "english_stemmer"],
    },
    content_search: {
      type: "custom",
      tokenizer: "standard",
      filter: ["lowercase", "asciifolding", "course_synonyms", "english_possessive", "english_stemmer"],
    },
    // Index-time prefixes for "search as you type" on the title, by tokenizer ...
    autocomplete: { type: "custom", tokenizer: "autocomplete_edge", filter: ["lowercase", "asciifolding"] },
    // ... and by token filter (keeps whole words, then prefixes them)
    autocomplete_words: {
      type: "custom",
      tokenizer: "standard",
      filter: ["lowercase", "asciifolding", "prefix_ngrams"],
    },
    autocomplete_search: { type: "custom", tokenizer: "standard", filter: ["lowercase", "asciifolding"] },
    german_content: {
      type: "custom",
      tokenizer: "standard",
      filter: ["lowercase", "german_normalization", "german_stemmer"],
    },
    french_content: {
      type: "custom",
      tokenizer: "standard",
      filter: ["french_elision", "lowercase", "asciifolding", "french_stemmer"],
    },
    spanish_content: {
      type: "custom",
      tokenizer: "standard",
      filter: ["lowercase", "asciifolding", "spanish_stemmer"],
    },
  },
};

const mappings = {
  dynamic: "strict",
  properties: {
    slug: { type: "keyword" },
    title: {
      type: "text",
      analyzer: "content",
      search_analyzer: "content_search",
      fields: {
        raw: { type: "keyword" },
        autocomplete: { type: "text", analyzer: "autocomplete", search_analyzer: "autocomplete_search" },
        prefix: { type: "text", analyzer: "autocomplete_words", search_analyzer: "autocomplete_search" },
      },
    },
    title_sayt: { type: "search_as_you_type" },
    description: { type: "text", analyzer: "content", search_analyzer: "content_search" },
    suggest: { type: "completion" },
    category: { type: "keyword" },
    // Not scaled_float: in 2.19.6, search_after on a scaled_float sort skips documents (see README).
    price: { type: "float" },
    popularity: { type: "rank_feature" },
    published: { type: "date" },
    reindexed: { type: "boolean" },
  },
};

type Course = { slug: string; title: string; description: string; category: string; price: number; popularity: number };

const courses: Course[] = [
  {
    slug: "python-basics",
    title: "Python for Beginners",
    description: "Learn Python from scratch: variables, loops and functions.",
    category: "programming",
    price: 19,
    popularity: 90,
  },
  {
    slug: "python-testing",
    title: "Testing Python Code",
    description: "Write unit tests and integration tests with pytest.",
    category: "programming",
    price: 29,
    popularity: 40,
  },
  {
    slug: "javascript-intro",
    title: "Introduction to JavaScript",
    description: "The language of the web: the DOM, events and promises.",
    category: "programming",
    price: 15,
    popularity: 80,
  },
  {
    slug: "typescript-deep-dive",
    title: "TypeScript Deep Dive",
    description: "Types, generics and the compiler in depth.",
    category: "programming",
    price: 39,
    popularity: 60,
  },
  {
    slug: "java-collections",
    title: "Java Collections",
    description: "Lists, maps and sets in everyday Java.",
    category: "programming",
    price: 25,
    popularity: 30,
  },
  {
    slug: "machine-learning",
    title: "Machine Learning Foundations",
    description: "Regression, classification and machine learning pipelines.",
    category: "data",
    price: 49,
    popularity: 95,
  },
  {
    slug: "sql-analytics",
    title: "SQL for Analytics",
    description: "Window functions, joins and aggregations for analysts.",
    category: "data",
    price: 35,
    popularity: 50,
  },
  {
    slug: "cafe-business",
    title: "Running a Café",
    description: "Coffee, costs and customers: a small business course.",
    category: "business",
    price: 12,
    popularity: 20,
  },
  {
    slug: "negotiation",
    title: "Negotiation Skills",
    description: "The negotiator's toolbox for everyday deals.",
    category: "business",
    price: 22,
    popularity: 35,
  },
  {
    slug: "watercolor",
    title: "Watercolor Painting",
    description: "Brushes, washes and painting landscapes.",
    category: "arts",
    price: 18,
    popularity: 25,
  },
];

type Hit = { _id?: string; _source?: any; highlight?: Record<string, string[]>; sort?: any[] };

const results: { name: string; ok: boolean; detail: string }[] = [];

async function check(name: string, run: () => Promise<string>): Promise<void> {
  try {
    const detail = await run();
    results.push({ name, ok: true, detail });
    process.stdout.write(`PASS ${name} (${detail})\n`);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    results.push({ name, ok: false, detail });
    process.stdout.write(`FAIL ${name}: ${detail}\n`);
  }
}

function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

async function search(body: Record<string, unknown>, index = V1): Promise<{ hits: Hit[]; body: any }> {
  const response = await client.search({ index, body: body as any });
  return { hits: (response.body.hits.hits ?? []) as Hit[], body: response.body };
}

const slugs = (hits: Hit[]) => hits.map((hit) => hit._source?.slug as string);

async function analyze(analyzer: string, text: string): Promise<string[]> {
  const response = await client.indices.analyze({ index: V1, body: { analyzer, text } });
  return (response.body.tokens ?? []).map((token: { token: string }) => token.token);
}

async function main(): Promise<void> {
  process.stdout.write(`OpenSearch smoke test against ${url}\n`);
  await client.indices.delete({ index: `${V1},${V2}`, ignore_unavailable: true });

  await check("cluster answers with version 2.19.x", async () => {
    const info = await client.info();
    const version = info.body.version.number;
    expect(version.startsWith("2.19."), `version ${version}`);
    const nodes = await client.nodes.info({ metric: ["plugins"] });
    const node = Object.values(nodes.body.nodes)[0] as { modules?: { name: string }[] } | undefined;
    const modules = (node?.modules ?? []).map((module) => module.name);
    for (const wanted of ["analysis-common", "lang-painless", "mapper-extras", "reindex", "transport-netty4"]) {
      expect(modules.includes(wanted), `module ${wanted} missing from [${modules}]`);
    }
    const health = await client.cluster.health({ wait_for_status: "yellow" });
    return `version ${version}, cluster ${health.body.cluster_name} ${health.body.status}, modules [${modules}]`;
  });

  await check("create index with custom analyzers, completion, search_as_you_type, keyword facet", async () => {
    const response = await client.indices.create({
      index: V1,
      body: { settings: { number_of_shards: 1, number_of_replicas: 0, analysis }, mappings } as any,
    });
    expect(response.body.acknowledged, "not acknowledged");
    await client.indices.putAlias({ index: V1, name: ALIAS });
    return `${V1} with alias ${ALIAS}`;
  });

  await check("_bulk indexes 10 documents", async () => {
    const body = courses.flatMap((course) => [
      { index: { _index: V1, _id: course.slug } },
      {
        ...course,
        title_sayt: course.title,
        suggest: { input: [course.title, ...course.title.split(" ").filter((word) => word.length > 3)] },
        published: "2025-01-01",
      },
    ]);
    const response = await client.bulk({ body, refresh: true });
    expect(
      !response.body.errors,
      `bulk errors: ${JSON.stringify(response.body.items.filter((item: any) => item.index?.error))}`,
    );
    const count = await client.count({ index: V1 });
    expect(count.body.count === courses.length, `count ${count.body.count}`);
    return `${count.body.count} documents`;
  });

  await check("analyzers: english stemmer + asciifolding, german/french/spanish stemmers, edge_ngram", async () => {
    const english = await analyze("content", "Testing the café's tests");
    expect(english.join(" ") === "test the cafe test", `english: ${english}`);
    // Each language's stemmer folds the singular and the plural (and elided articles) to one stem.
    const same = async (analyzer: string, text: string) => {
      const tokens = await analyze(analyzer, text);
      expect(tokens.length > 1 && new Set(tokens).size === 1, `${analyzer}: [${tokens}] for "${text}"`);
      return `${text} -> ${tokens[0]}`;
    };
    const german = await same("german_content", "Haus Häuser Hauses");
    const french = await same("french_content", "l'ordinateur ordinateurs");
    const spanish = await same("spanish_content", "canción canciones");
    const edge = await analyze("autocomplete", "Java");
    expect(edge.join(" ") === "ja jav java", `edge_ngram tokenizer: ${edge}`);
    return `en [${english}]; de ${german}; fr ${french}; es ${spanish}; edge_ngram [${edge}]`;
  });

  await check('multi_match fuzziness AUTO: "pyhton" finds Python', async () => {
    const { hits } = await search({
      query: { multi_match: { query: "pyhton", fields: ["title^3", "description"], fuzziness: "AUTO" } },
    });
    expect(hits.length > 0 && slugs(hits).every((slug) => slug.startsWith("python")), `got ${slugs(hits)}`);
    return slugs(hits).join(", ");
  });

  await check('stemmed match: "testing" finds the document about "tests"', async () => {
    const { hits } = await search({ query: { match: { description: "testing" } } });
    expect(slugs(hits).includes("python-testing"), `got ${slugs(hits)}`);
    return slugs(hits).join(", ");
  });

  await check('asciifolding: "cafe" finds "Café"', async () => {
    const { hits } = await search({ query: { match: { title: "cafe" } } });
    expect(slugs(hits)[0] === "cafe-business", `got ${slugs(hits)}`);
    return slugs(hits).join(", ");
  });

  await check('synonym filter: "js" finds JavaScript', async () => {
    const { hits } = await search({ query: { match: { title: "js" } } });
    expect(slugs(hits)[0] === "javascript-intro", `got ${slugs(hits)}`);
    return slugs(hits).join(", ");
  });

  await check('match_phrase: "machine learning"', async () => {
    const { hits } = await search({ query: { match_phrase: { description: "machine learning" } } });
    expect(slugs(hits).join() === "machine-learning", `got ${slugs(hits)}`);
    const none = await search({ query: { match_phrase: { description: "learning machine" } } });
    expect(none.hits.length === 0, `reversed phrase matched ${slugs(none.hits)}`);
    return slugs(hits).join(", ");
  });

  await check("highlight", async () => {
    const { hits } = await search({
      query: { match: { description: "tests" } },
      highlight: { fields: { description: {} }, pre_tags: ["<em>"], post_tags: ["</em>"] },
    });
    const fragment = hits[0]?.highlight?.description?.[0] ?? "";
    expect(fragment.includes("<em>tests</em>"), `fragment: ${fragment}`);
    return fragment;
  });

  await check("edge_ngram autocomplete on title subfields", async () => {
    const byTokenizer = await search({ query: { match: { "title.autocomplete": "typesc" } } });
    expect(slugs(byTokenizer.hits)[0] === "typescript-deep-dive", `tokenizer: ${slugs(byTokenizer.hits)}`);
    const byFilter = await search({ query: { match: { "title.prefix": { query: "mach foun", operator: "and" } } } });
    expect(slugs(byFilter.hits).join() === "machine-learning", `filter: ${slugs(byFilter.hits)}`);
    return `"typesc" -> ${slugs(byTokenizer.hits)}, "mach foun" -> ${slugs(byFilter.hits)}`;
  });

  await check("search_as_you_type (bool_prefix over _2gram/_3gram)", async () => {
    const { hits } = await search({
      query: {
        multi_match: {
          query: "introduction to jav",
          type: "bool_prefix",
          fields: ["title_sayt", "title_sayt._2gram", "title_sayt._3gram"],
        },
      },
    });
    expect(slugs(hits)[0] === "javascript-intro", `got ${slugs(hits)}`);
    return slugs(hits).slice(0, 3).join(", ");
  });

  await check("completion suggester", async () => {
    const { body } = await search({
      _source: ["slug"],
      suggest: { courses: { prefix: "pyt", completion: { field: "suggest", skip_duplicates: true } } },
    });
    const options = (body.suggest?.courses?.[0]?.options ?? []) as { text: string }[];
    const texts = options.map((option) => option.text);
    expect(texts.length > 0 && texts.every((text) => text.startsWith("Pyt")), `got ${texts}`);
    return texts.join(", ");
  });

  await check("aggregations: terms + range (+ filter)", async () => {
    const { body } = await search({
      size: 0,
      aggs: {
        categories: { terms: { field: "category" } },
        prices: { range: { field: "price", ranges: [{ to: 20 }, { from: 20, to: 40 }, { from: 40 }] } },
        cheap_programming: {
          filter: { bool: { filter: [{ term: { category: "programming" } }, { range: { price: { lt: 20 } } }] } },
        },
      },
    });
    const categories = Object.fromEntries(
      body.aggregations.categories.buckets.map((bucket: any) => [bucket.key, bucket.doc_count]),
    );
    const prices = body.aggregations.prices.buckets.map((bucket: any) => bucket.doc_count);
    expect(
      JSON.stringify(categories) === JSON.stringify({ programming: 5, business: 2, data: 2, arts: 1 }),
      `categories ${JSON.stringify(categories)}`,
    );
    expect(prices.join() === "4,5,1", `prices ${prices}`);
    expect(body.aggregations.cheap_programming.doc_count === 2, "filter agg");
    return `categories ${JSON.stringify(categories)}, price buckets ${prices}, cheap programming ${body.aggregations.cheap_programming.doc_count}`;
  });

  await check("search_after paging (price asc, slug asc)", async () => {
    const seen: string[] = [];
    let after: any[] | undefined;
    let pages = 0;
    for (;;) {
      const { hits } = await search({
        size: 3,
        query: { match_all: {} },
        sort: [{ price: "asc" }, { slug: "asc" }],
        ...(after ? { search_after: after } : {}),
      });
      if (hits.length === 0) break;
      pages += 1;
      seen.push(...slugs(hits));
      after = hits[hits.length - 1]?.sort;
    }
    const expected = [...courses].sort((a, b) => a.price - b.price).map((course) => course.slug);
    expect(seen.join() === expected.join(), `got ${seen}`);
    return `${pages} pages, ${seen.length} documents in price order`;
  });

  await check("rank_feature query (mapper-extras)", async () => {
    const { hits } = await search({
      query: { bool: { must: { match: { category: "data" } }, should: { rank_feature: { field: "popularity" } } } },
    });
    expect(slugs(hits)[0] === "machine-learning", `got ${slugs(hits)}`);
    return slugs(hits).join(", ");
  });

  await check("painless: script_score, and analysis-common's painless extension (predicate_token_filter)", async () => {
    const { hits } = await search({
      query: {
        script_score: {
          query: { term: { category: "programming" } },
          script: { lang: "painless", source: "params.base - doc['price'].value", params: { base: 100 } },
        },
      },
    });
    expect(slugs(hits)[0] === "javascript-intro", `got ${slugs(hits)}`);
    // `token` is whitelisted for painless by analysis-common, which extends lang-painless.
    const response = await client.indices.analyze({
      body: {
        tokenizer: "standard",
        filter: [{ type: "predicate_token_filter", script: { source: "token.term.length() > 3" } }],
        text: "a the quick fox jumps",
      } as any,
    });
    const tokens = (response.body.tokens ?? []).map((token: { token: string }) => token.token);
    expect(tokens.join(" ") === "quick jumps", `predicate_token_filter: ${tokens}`);
    return `cheapest first: ${slugs(hits).slice(0, 3).join(", ")}; long tokens [${tokens}]`;
  });

  await check("_reindex into a second index with a painless script", async () => {
    await client.indices.create({
      index: V2,
      body: { settings: { number_of_shards: 1, number_of_replicas: 0, analysis }, mappings } as any,
    });
    const response = await client.reindex({
      refresh: true,
      wait_for_completion: true,
      body: {
        source: { index: V1 },
        dest: { index: V2 },
        script: { lang: "painless", source: "ctx._source.reindexed = true" },
      },
    });
    const created = "created" in response.body ? response.body.created : undefined;
    expect(created === courses.length, `created ${created}`);
    const { hits } = await search({ query: { term: { reindexed: true } }, size: 20 }, V2);
    expect(hits.length === courses.length, `reindexed ${hits.length}`);
    return `${created} documents copied`;
  });

  await check("alias swap with _aliases (remove + add in one call)", async () => {
    const response = await client.indices.updateAliases({
      body: { actions: [{ remove: { index: V1, alias: ALIAS } }, { add: { index: V2, alias: ALIAS } }] },
    });
    expect(response.body.acknowledged, "not acknowledged");
    const aliases = await client.indices.getAlias({ name: ALIAS });
    const indices = Object.keys(aliases.body);
    expect(indices.join() === V2, `alias points to ${indices}`);
    const { hits } = await search({ query: { match: { title: { query: "pyhton", fuzziness: "AUTO" } } } }, ALIAS);
    // The alias now serves v2, where every document carries the field the reindex script set.
    const viaAlias = await search({ query: { term: { reindexed: true } }, size: 0 }, ALIAS);
    expect(viaAlias.body.hits.total.value === courses.length, "alias does not serve v2");
    return `${ALIAS} -> ${indices}; ${hits.length} hits through the alias`;
  });

  await client.indices.delete({ index: `${V1},${V2}`, ignore_unavailable: true });

  const failed = results.filter((result) => !result.ok);
  process.stdout.write(`${results.length - failed.length} passed, ${failed.length} failed\n`);
  process.exitCode = failed.length === 0 ? 0 : 1;
}

main().catch((error) => {
  process.stderr.write(`smoke: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
