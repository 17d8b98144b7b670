export * from "./catalog.client";
