import { defineSubgraph } from "@campus/subgraph";
import { analyticsCacheHints } from "./analytics.cache-hints";
import { analyticsPermissions } from "./analytics.permissions";
import { analyticsSettings } from "./analytics.settings";
import { AnalyticsFactsRepository } from "./data/analytics-facts.repository";
import { PrismaClient } from "./data/analytics.prisma";
import { ReportRepository } from "./data/report.repository";
import { ANALYTICS_FACTS_GROUP, analyticsFactsHandlers } from "./events/analytics-facts.consumer";
import { CourseReportResolver, PlatformReportResolver } from "./graphql/analytics.resolver";
import { CourseEntity } from "./graphql/analytics.types";
import { AnalyticsRebuildService } from "./service/analytics-rebuild.service";
import { AnalyticsReportService } from "./service/analytics-report.service";

/**
 * Analytics (docs/analytics.md): daily facts and rollups kept from identity's,
 * enrollment's, commerce's, assessment's, content's and catalog's events
 * alone, and the platform and course reports read from them. Owns no data of
 * record: `pnpm analytics:rebuild` recomputes everything from the event log.
 */
export const subgraph = defineSubgraph({
  name: "analytics",
  settings: analyticsSettings,
  neighbours: [],
  prisma: (adapter) => new PrismaClient({ adapter }),
  graphql: {
    resolvers: [PlatformReportResolver, CourseReportResolver],
    orphanedTypes: [CourseEntity],
    federation: ["@key", "@shareable"],
  },
  permissions: analyticsPermissions,
  cacheHints: analyticsCacheHints,

  async wire({ config, prisma, consume, logger }) {
    const facts = new AnalyticsFactsRepository();
    const handlers = analyticsFactsHandlers(facts);
    consume(ANALYTICS_FACTS_GROUP, handlers);
    const rebuild = new AnalyticsRebuildService(prisma, ANALYTICS_FACTS_GROUP, handlers, logger);
    const reports = new AnalyticsReportService(new ReportRepository(prisma), {
      maxRangeDays: config.ANALYTICS_MAX_RANGE_DAYS,
    });
    return {
      resolvers: [new PlatformReportResolver(reports), new CourseReportResolver(reports)],
      references: {
        // Course is catalog's: analytics only hands out references
        Course: (ref: { id: string }) => ({ id: ref.id }),
      },
      services: { reports, facts, rebuild },
    };
  },
});

export type AnalyticsServices = {
  reports: AnalyticsReportService;
  facts: AnalyticsFactsRepository;
  rebuild: AnalyticsRebuildService;
};
