import { defineSubgraph } from "@campus/subgraph";
import { SearchFactsRepository } from "./data/search-facts.repository";
import type { CourseIndex } from "./engine/course-index";
import { PrismaClient } from "./data/search.prisma";
import { openCourseIndex } from "./engine/open-course-index";
import { COURSE_FACTS_GROUP, courseFactsHandlers } from "./events/course-facts.consumer";
import { SearchIndexResolver } from "./graphql/search-index.resolver";
import { SearchResolver } from "./graphql/search.resolver";
import { CourseEntity } from "./graphql/search.types";
import { searchCacheHints } from "./search.cache-hints";
import { searchPermissions } from "./search.permissions";
import { searchSettings } from "./search.settings";
import { CourseIndexer } from "./service/course-indexer";
import { CourseSearchService } from "./service/course-search.service";
import { CourseSources } from "./service/course-sources";
import { SearchReindexService } from "./service/search-reindex.service";

/**
 * Course search (docs/search.md): a copy of the facts courses are found by,
 * kept from catalog's, content's and identity's events, and an index built
 * from it — PostgreSQL full-text search in search's own database by default,
 * OpenSearch when OPENSEARCH_URL is set. Owns no course data of record:
 * `pnpm search:reindex` rebuilds everything from the owners' APIs.
 */
export const subgraph = defineSubgraph({
  name: "search",
  settings: searchSettings,
  optionalInProduction: ["OPENSEARCH_INDEX_PREFIX"],
  neighbours: ["catalog", "content", "identity"],
  prisma: (adapter) => new PrismaClient({ adapter }),
  graphql: {
    resolvers: [SearchResolver, SearchIndexResolver],
    orphanedTypes: [CourseEntity],
    federation: ["@key", "@shareable"],
  },
  permissions: searchPermissions,
  cacheHints: searchCacheHints,

  async wire({ config, db, prisma, store, logger, consume, neighbourUrl, secret }) {
    const index = openCourseIndex(config, db);
    // an engine that is down at start is not fatal: searches answer SERVICE_UNAVAILABLE and the indexer retries
    await index.open().catch((error: unknown) => logger.warn({ err: error }, "search index not reachable at start"));
    const facts = new SearchFactsRepository(prisma);
    consume(COURSE_FACTS_GROUP, courseFactsHandlers(facts));
    const indexer = new CourseIndexer(
      facts,
      index,
      { pollMs: config.SEARCH_INDEX_POLL_MS, batch: config.SEARCH_INDEX_BATCH },
      logger,
    );
    // a page of 100 courses with their modules, or their articles, in one answer
    const sources = new CourseSources({ url: neighbourUrl, secret, timeoutMs: 30_000 });
    const reindex = new SearchReindexService(
      prisma,
      facts,
      sources,
      index,
      indexer,
      store,
      { batch: config.SEARCH_INDEX_BATCH },
      logger,
    );
    const search = new CourseSearchService(index, logger);
    return {
      resolvers: [new SearchResolver(search), new SearchIndexResolver(reindex, facts, index)],
      references: {
        // Course is catalog's: search only hands out references
        Course: (ref: { id: string }) => ({ id: ref.id }),
      },
      services: { search, indexer, reindex, index, facts },
      background: [
        indexer,
        { start: () => undefined, stop: async () => (await reindex.settled(), await index.close()) },
      ],
    };
  },
});

export type SearchServices = {
  search: CourseSearchService;
  indexer: CourseIndexer;
  reindex: SearchReindexService;
  index: CourseIndex;
  facts: SearchFactsRepository;
};
