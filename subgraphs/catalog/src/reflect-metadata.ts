// @campus/subgraph's index evaluates decorated classes (PageInfo) before the
// module of it that loads reflect-metadata, so loading that module first is
// what lets type-graphql decorators run. Drop this once the package's index
// imports reflect-metadata at its top.
import "@campus/subgraph/src/federated-schema";
