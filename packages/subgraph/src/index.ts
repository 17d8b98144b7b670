import "reflect-metadata";
export * from "./connection";
export * from "./federated-schema";
export * from "./loaders";
export * from "./server";
export * from "./ids";
export * from "./process";
export * from "./text";
