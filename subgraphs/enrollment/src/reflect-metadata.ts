/**
 * type-graphql's decorators need the Reflect metadata polyfill loaded before
 * any decorated class. @campus/subgraph's index evaluates its decorated
 * PageInfo before the module that imports the polyfill, so loading the
 * package cold crashes; this loads that module first. Import it before
 * anything else in entry points; drop it once packages/subgraph/src/index.ts
 * imports "reflect-metadata" on its first line.
 */
import "@campus/subgraph/src/federated-schema";
