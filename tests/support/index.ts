export * from "@campus/testkit";
export * from "./campus";
export * from "./users";
export * from "./events";
export * from "./smtp";
