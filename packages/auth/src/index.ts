export * from "./viewer";
export * from "./internal-identity";
export * from "./rules";
export { rootPermissions } from "./root-permissions";
export { AccessTokenRevocation, type AccessTokenClaims } from "./access-revocation";
