export { subgraph, type CommerceServices } from "./commerce.subgraph";
export { MockPaymentProvider } from "./payments/mock.provider";
