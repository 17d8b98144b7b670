export * from "./graphql-server";
export * from "./service-fetch";
export * from "./request-checks";
export * from "./conditional-get";
