export * from "./backends";
export * from "./graphql-client";
export * from "./subgraph-harness";
export * from "./fake-subgraph";
export * from "./operations";
export * from "./kafka";
export * from "./authorization";
