export { routerConfigSchema, subgraphUrl, type RouterConfig } from "./config";
export { createRouter, SUPERGRAPH_PATH } from "./router";
export { composeSubgraphs, composeSupergraph } from "./compose/compose";
export { rootPermissionsOf, type RootPermissions } from "./plugins/authorization";
export { deploymentBlocks, staleDeploymentFiles, syncDeploymentFiles } from "./compose/deployment";
export { deprecatedUsage, type DeprecatedUsageRow } from "./plugins/deprecated-usage";
