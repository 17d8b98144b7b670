export { subgraph, type AnalyticsServices } from "./analytics.subgraph";
export { inTransaction, AnalyticsRebuildService, type RebuildResult } from "./service/analytics-rebuild.service";
export { ANALYTICS_FACTS_GROUP, analyticsFactsHandlers } from "./events/analytics-facts.consumer";
export { AnalyticsFactsRepository } from "./data/analytics-facts.repository";
export { PrismaClient as AnalyticsPrismaClient } from "./data/analytics.prisma";
