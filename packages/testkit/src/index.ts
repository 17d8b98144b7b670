export * from "./backends";
export * from "./campus";
export * from "./users";
export * from "./events";
export * from "./kafka";
