/**
 * The payment provider port. Two adapters: the mock provider (the embedded
 * default, Stripe's test payment-method tokens) and Stripe (the `stripe`
 * package). Both speak Stripe's shapes, and both report outcomes through the
 * same signed webhook (payments/stripe.webhook.ts), so the order saga is the
 * same code in both modes. Money is integer minor units with an ISO 4217 code.
 */

/** A provider-side payment (Stripe: a PaymentIntent), mapped to Campus's terms. */
export interface ProviderPayment {
  /** pi_… */
  id: string;
  status: "PENDING" | "SUCCEEDED" | "FAILED" | "CANCELED";
  amount: number;
  /** Lower- or upper-case as the provider sends it; compare case-insensitively. */
  currency: string;
  clientSecret: string | null;
  /** Why it failed (Stripe's decline_code, else its error code), when it did. */
  failureCode: string | null;
  /** Campus's ids (`paymentId`, `orderId`) as given at creation. */
  metadata: Record<string, string>;
}

export interface ProviderRefund {
  /** re_… */
  id: string;
  /** The ProviderPayment it refunds. */
  paymentId: string;
  status: "PENDING" | "SUCCEEDED" | "FAILED";
  amount: number;
  /** Campus's ids (`refundId`, `orderId`) as given at creation. */
  metadata: Record<string, string>;
}

export interface CreatePaymentInput {
  amount: number;
  currency: string;
  /** The provider's payment-method token (pm_…). */
  paymentMethod: string;
  /** The provider deduplicates on it: retrying with the same key never charges twice. */
  idempotencyKey: string;
  metadata: Record<string, string>;
  /** A customer the payment method is saved on (saveCustomer); required for offSession. */
  customer?: string;
  /** The buyer is not there (a subscription's renewal): the bank may not ask them to authenticate. */
  offSession?: boolean;
}

export interface SaveCustomerInput {
  /** The payment-method token to keep for later charges. */
  paymentMethod: string;
  idempotencyKey: string;
  metadata: Record<string, string>;
}

/** A provider-side customer (Stripe: cus_…) with a saved payment method, charged later without the buyer. */
export interface ProviderCustomer {
  id: string;
  paymentMethod: string;
}

export interface CreateRefundInput {
  paymentId: string;
  amount: number;
  idempotencyKey: string;
  metadata: Record<string, string>;
}

export interface PaymentProvider {
  /** "mock" or "stripe": shown on every Payment. */
  readonly name: string;
  /**
   * Creates and confirms a payment. A declined card is not an error: it
   * comes back FAILED with its failureCode. Throws ProviderUnavailableError
   * when the provider cannot be reached or times out (the outcome is then
   * unknown; the reconciler asks again with the same idempotency key).
   */
  createPayment(input: CreatePaymentInput): Promise<ProviderPayment>;
  retrievePayment(id: string): Promise<ProviderPayment>;
  /** Cancels a payment that has not succeeded (an expired seat hold). */
  cancelPayment(id: string): Promise<ProviderPayment>;
  refund(input: CreateRefundInput): Promise<ProviderRefund>;
  /**
   * Saves a payment method on a new customer, for off-session charges
   * (subscription renewals). A payment method the provider does not know is a
   * ProviderRequestError.
   */
  saveCustomer(input: SaveCustomerInput): Promise<ProviderCustomer>;
}

/** The provider did not answer (network, timeout, 5xx): nothing is known about the outcome. */
export class ProviderUnavailableError extends Error {
  override name = "ProviderUnavailableError";
}

/** The provider refused the request itself (bad parameters, unknown id): retrying will not help. */
export class ProviderRequestError extends Error {
  override name = "ProviderRequestError";
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}
