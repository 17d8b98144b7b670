export * from "./graphql-server";
export * from "./service-fetch";
export * from "./request-checks";
