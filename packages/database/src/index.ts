export * from "./database";
export * from "./embedded-postgres";
export * from "./migrations";
export * from "./layout";
export type { QueryCounter } from "./query-counter";
export { isUniqueViolation } from "./errors";
export * from "./shared-tables";
