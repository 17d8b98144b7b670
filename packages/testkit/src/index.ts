export * from "./backends";
export * from "./campus";
export * from "./users";
export * from "./events";
export * from "./subgraph-request";
export * from "./operations";
export * from "./kafka";
