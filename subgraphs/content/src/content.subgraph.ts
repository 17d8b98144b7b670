import { CatalogClient } from "@campus/catalog-client";
import { positiveInt } from "@campus/config";
import { filesSettingNames, openFileStore, type FileStore } from "@campus/files";
import { defineSubgraph, type SubgraphContext } from "@campus/subgraph";
import { contentCacheHints } from "./content.cache-hints";
import { contentPermissions } from "./content.permissions";
import { contentSettings } from "./content.settings";
import { PrismaClient } from "./data/content.prisma";
import { ContentRepository } from "./data/content.repository";
import { CourseLearnerRepository } from "./data/course-learner.repository";
import { COURSE_LEARNERS_GROUP, courseLearnersHandlers } from "./events/course-learners.consumer";
import { ContentResolver, ModuleContentsResolver } from "./graphql/content.resolver";
import { ModuleEntity } from "./graphql/content.types";
import { CompletionService } from "./service/completion.service";
import { ContentService } from "./service/content.service";
import { OrphanSweeper } from "./service/orphan.sweeper";

/**
 * Videos, PDFs and articles of modules, with versions, signed upload and
 * download URLs (files never pass through GraphQL), and learners' completions
 * (docs/learning.md). Asks catalog (its neighbour) whose module it is.
 */
export const subgraph = defineSubgraph({
  name: "content",
  settings: {
    ...contentSettings,
    CATALOG_TIMEOUT_MS: positiveInt(3000),
  },
  optionalInProduction: filesSettingNames,
  neighbours: ["catalog"],
  prisma: (adapter) => new PrismaClient({ adapter }),
  graphql: {
    resolvers: [ContentResolver, ModuleContentsResolver],
    // no field returns a Module here: the gateway reaches it through catalog's Course.modules
    orphanedTypes: [ModuleEntity],
    federation: ["@key"],
  },
  permissions: contentPermissions,
  cacheHints: contentCacheHints,

  async wire({ config, prisma, logger, work, consume, neighbourUrl, secret, filesDir, ownUrl }) {
    const catalog = new CatalogClient({
      url: () => neighbourUrl("catalog"),
      secret,
      timeoutMs: config.CATALOG_TIMEOUT_MS,
      logger,
    });
    const files = await openFileStore(config, {
      root: filesDir,
      baseUrl: ownUrl,
      createBucket: config.NODE_ENV !== "production",
    });
    const contents = new ContentRepository(prisma);
    const learners = new CourseLearnerRepository(prisma);
    consume(COURSE_LEARNERS_GROUP, courseLearnersHandlers(learners));
    const limits = {
      VIDEO: { maxBytes: config.CONTENT_MAX_VIDEO_BYTES, types: config.CONTENT_VIDEO_TYPES },
      PDF: { maxBytes: config.CONTENT_MAX_PDF_BYTES, types: config.CONTENT_PDF_TYPES },
      articleMaxBytes: config.CONTENT_MAX_ARTICLE_BYTES,
    };
    const content = new ContentService(contents, learners, work, catalog, files.store, limits, {
      uploadSeconds: config.CONTENT_UPLOAD_URL_SECONDS,
      downloadSeconds: config.CONTENT_DOWNLOAD_URL_SECONDS,
    });
    const completions = new CompletionService(contents, learners, work);
    const sweeper = new OrphanSweeper(
      work,
      contents,
      files.store,
      {
        retentionMs: config.CONTENT_ORPHAN_RETENTION_HOURS * 3_600_000,
        intervalMs: config.CONTENT_SWEEP_INTERVAL_SECONDS * 1000,
      },
      logger,
    );
    return {
      resolvers: [new ContentResolver(content, completions), new ModuleContentsResolver(content)],
      references: {
        ContentItem: (ref: { id: string }, ctx: SubgraphContext) => content.visible(ctx.viewer, ctx.loaders, ref.id),
        // Module is catalog's; content only needs its id.
        Module: (ref: { id: string }) => ({ id: ref.id }),
      },
      services: { content, completions, sweeper, files: files.store },
      streams: files.streams,
      // the store's S3 sockets close after the sweep stopped using them
      background: [sweeper, { start: () => undefined, stop: () => files.store.close() }],
    };
  },
});

export type ContentServices = {
  content: ContentService;
  completions: CompletionService;
  sweeper: OrphanSweeper;
  files: FileStore;
};
