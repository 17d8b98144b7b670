/**
 * Records the fixtures of opensearch.course-index.test.ts from a real node:
 *
 *   pnpm servers start opensearch
 *   OPENSEARCH_URL=http://127.0.0.1:9200 node -r @swc-node/register subgraphs/search/src/engine/opensearch.record-fixtures.ts
 *
 * Runs the engine through a recording proxy, one scenario per fixture file
 * (fixtures/opensearch.<scenario>.json), on its own alias, dropped at the end.
 * Re-record whenever the requests the engine sends change.
 */
import type { CourseDocument } from "./course-index";
import { OpenSearchCourseIndex } from "./opensearch.course-index";
import { RecordingProxy, writeFixture } from "./opensearch.fixtures";
import { FIXTURE_COURSES, FIXTURE_PREFIX, FIXTURE_SEARCH } from "./opensearch.fixture-courses";

async function main(): Promise<void> {
  const target = process.env.OPENSEARCH_URL ?? "http://127.0.0.1:9200";
  const info = (await (await fetch(target)).json()) as { version: { distribution?: string; number: string } };
  const recorded = `${info.version.distribution ?? "opensearch"} ${info.version.number}, ${new Date().toISOString().slice(0, 10)}`;
  const proxy = await RecordingProxy.start(target);
  // a fresh engine per scenario, so each fixture starts from an empty cache (the languages request comes first)
  const engine = () => new OpenSearchCourseIndex({ url: proxy.url, indexPrefix: FIXTURE_PREFIX, refresh: true });
  const unrecorded = async (run: (index: OpenSearchCourseIndex) => Promise<unknown>) => {
    const index = engine();
    await run(index).finally(() => index.close());
    proxy.take();
  };
  const scenario = async (name: string, run: (index: OpenSearchCourseIndex) => Promise<unknown>) => {
    const index = engine();
    await run(index).finally(() => index.close());
    const exchanges = proxy.take();
    await writeFixture(name, { recorded, exchanges });
    process.stdout.write(`${name}: ${exchanges.length} exchanges\n`);
  };
  const [python, rust, german, data] = FIXTURE_COURSES as [
    CourseDocument,
    CourseDocument,
    CourseDocument,
    CourseDocument,
  ];

  try {
    await unrecorded((index) => index.drop());
    await scenario("open", (index) => index.open());
    await scenario("write", async (index) => {
      await index.write([python, rust]);
      // lower than the stored version: OpenSearch answers 409 for it, which is the guard working
      await index.write([{ ...python, version: python.version - 1, title: "Stale" }]);
    });
    await unrecorded((index) => index.write([german, data]));
    await scenario("search", async (index) => {
      const first = await index.search(FIXTURE_SEARCH);
      await index.search({ ...FIXTURE_SEARCH, after: first.hits.at(-1)!.position });
    });
    await scenario("suggest-get", async (index) => {
      await index.suggest("pyt da", 5);
      await index.get(python.courseId);
      await index.get("00000000-0000-4000-8000-000000000000");
    });
    await scenario("rebuild", async (index) => {
      const rebuild = await index.startRebuild();
      await rebuild.write([python, german]);
      await rebuild.activate();
      const abandoned = await index.startRebuild();
      await abandoned.write([rust]);
      await abandoned.abandon();
      await index.drop();
    });
  } finally {
    await unrecorded((index) => index.drop());
    await proxy.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`record-fixtures: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
