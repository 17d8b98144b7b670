export * from "./viewer";
export * from "./internal-identity";
export * from "./rules";
export { AccessTokenRevocation, type AccessTokenClaims } from "./access-revocation";
export * from "./partner-directory";
export * from "./persisted-query-manifest";
