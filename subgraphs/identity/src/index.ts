export { identityConfigSchema, type IdentityConfig } from "./config";
export { createIdentitySubgraph, identitySchema, IDENTITY_MIGRATIONS } from "./subgraph";
