import { randomBytes } from "node:crypto";
import { openDatabase, startEmbeddedPostgres } from "@campus/database";
import { OpenSearchCourseIndex, PostgresCourseIndex, type CourseIndex } from "@campus/search";
import { scratchDatabase } from "@campus/testkit";

/**
 * The search engines a test can run against (docs/search.md): the embedded
 * engine on PGlite always, on PostgreSQL with TEST_POSTGRES_URL, and
 * OpenSearch with OPENSEARCH_URL (`pnpm servers start opensearch`). Each
 * setup opens an empty index of its own and removes it on close.
 */
export interface CourseIndexSetup {
  name: string;
  /** Why this engine does not run here (printed by the suite). */
  skipReason?: string;
  open(): Promise<{ index: CourseIndex; close(): Promise<void> }>;
}

export function courseIndexSetups(): CourseIndexSetup[] {
  const postgresUrl = process.env.TEST_POSTGRES_URL;
  const opensearchUrl = process.env.OPENSEARCH_URL;
  return [
    {
      name: "postgres engine on PGlite",
      async open() {
        const pglite = await startEmbeddedPostgres();
        const index = new PostgresCourseIndex(openDatabase({ schema: "search", pglite }));
        return { index, close: async () => (await index.close(), await pglite.close()) };
      },
    },
    {
      name: "postgres engine on PostgreSQL",
      skipReason: postgresUrl ? undefined : "TEST_POSTGRES_URL is not set; the PostgreSQL engine is skipped",
      async open() {
        const database = await scratchDatabase(postgresUrl!, "campus_search");
        const db = openDatabase({ schema: "search", url: database.url, poolSize: 4 });
        const index = new PostgresCourseIndex(db);
        return { index, close: async () => (await index.close(), await db.close(), await database.drop()) };
      },
    },
    {
      name: "opensearch engine",
      skipReason: opensearchUrl
        ? undefined
        : "OPENSEARCH_URL is not set; the OpenSearch engine is skipped (`pnpm servers start opensearch` starts a node)",
      async open() {
        // an alias and indices of its own per run, so runs (and other users of the node) never meet
        const index = new OpenSearchCourseIndex({
          url: opensearchUrl!,
          indexPrefix: `campus-courses-test-${randomBytes(5).toString("hex")}`,
          refresh: true,
        });
        return { index, close: async () => (await index.drop(), await index.close()) };
      },
    },
  ];
}
