import { randomUUID } from "node:crypto";
import { parseSearchText, type CourseDocument, type CourseIndex } from "@campus/search";
import { CATEGORIES, demoCourses, INSTRUCTORS } from "../../infra/embedded/src/seed/catalog-data";
import { demoArticle } from "../../infra/embedded/src/seed/learning-data";
import { courseIndexSetups } from "../support/course-indexes";
import { RELEVANCE_SET } from "./relevance-set";

/**
 * The relevance set (relevance-set.ts) against the demo catalog as `pnpm dev`
 * loads it (60 courses, every tenth a draft, an article per course), written
 * straight into the engine: each query must have its course in the top 3
 * (some first). Runs on the embedded engine always, on PostgreSQL and
 * OpenSearch when configured (support/course-indexes.ts).
 */
const print = (line: string) => process.stdout.write(`${line}\n`);

const categoryIds = new Map(CATEGORIES.map((name) => [name, randomUUID()]));
const instructorIds = INSTRUCTORS.map(() => randomUUID());

function demoDocuments(): CourseDocument[] {
  const start = Date.parse("2026-01-01T00:00:00Z");
  return demoCourses(60).map((course, index) => ({
    courseId: randomUUID(),
    version: 1,
    // as the seed: every tenth course stays a draft
    visible: index % 10 !== 9,
    title: course.title,
    slug: course.title.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
    description: course.description,
    level: course.level,
    language: "en",
    category: { id: categoryIds.get(course.category)!, name: course.category },
    price: course.price,
    instructor: { id: instructorIds[index % INSTRUCTORS.length]!, name: INSTRUCTORS[index % INSTRUCTORS.length]! },
    moduleTitles: course.modules,
    articleText: `${demoArticle(course).title}\n${demoArticle(course).body}`,
    publishedAt: new Date(start + index * 3_600_000).toISOString(),
  }));
}

const setups = courseIndexSetups();
for (const setup of setups) if (setup.skipReason) print(`[relevance] ${setup.skipReason}`);

describe.each(setups.filter((setup) => !setup.skipReason))("relevance set on the demo catalog: $name", (setup) => {
  let index: CourseIndex;
  let close: () => Promise<void>;
  const documents = demoDocuments();
  const titleOf = new Map(documents.map((doc) => [doc.courseId, doc.title]));
  const drafts = new Set(documents.filter((doc) => !doc.visible).map((doc) => doc.courseId));

  beforeAll(async () => {
    ({ index, close } = await setup.open());
    await index.open();
    await index.write(documents);
  }, 120_000);
  afterAll(async () => close?.());

  it(`puts the expected course in the top 3 for all ${RELEVANCE_SET.length} queries`, async () => {
    const misses: string[] = [];
    for (const item of RELEVANCE_SET) {
      const page = await index.search({ text: parseSearchText(item.query), filter: {}, first: 10 });
      const titles = page.hits.map((hit) => titleOf.get(hit.courseId)!);
      const rank = titles.indexOf(item.expected) + 1;
      const wanted = item.first ? 1 : 3;
      if (rank === 0 || rank > wanted) {
        misses.push(
          `  ${JSON.stringify(item.query)} (${item.why}): wanted "${item.expected}" at ≤ ${wanted}, got [${titles.slice(0, 3).join(" | ")}]`,
        );
      }
      if (page.hits.some((hit) => drafts.has(hit.courseId)))
        misses.push(`  ${JSON.stringify(item.query)}: returned a draft`);
    }
    print(
      `[relevance ${setup.name}] ${RELEVANCE_SET.length - misses.length}/${RELEVANCE_SET.length} queries as expected`,
    );
    if (misses.length > 0) throw new Error(`relevance misses:\n${misses.join("\n")}`);
  });
});
