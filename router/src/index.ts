export { routerConfigSchema, type RouterConfig } from "./config";
export { createRouter, SUPERGRAPH_PATH } from "./router";
export { composeSupergraph, SUBGRAPHS } from "./compose/compose";
