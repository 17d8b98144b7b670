export { subgraph, type IdentityServices } from "./identity.subgraph";
export type { AccountService } from "./service/account.service";
