import Stripe from "stripe";
import {
  ProviderRequestError,
  ProviderUnavailableError,
  type CreatePaymentInput,
  type CreateRefundInput,
  type PaymentProvider,
  type ProviderCustomer,
  type ProviderPayment,
  type ProviderRefund,
  type SaveCustomerInput,
} from "./payment-provider";
import { fromStripePaymentIntent, fromStripeRefund } from "./stripe.objects";

export interface StripePaymentProviderOptions {
  secretKey: string;
  /** Per attempt. Stripe's own default (80 s) would hold a checkout far longer than a buyer waits. */
  timeoutMs?: number;
  maxNetworkRetries?: number;
  /** host/port/protocol point the SDK at a local stub in tests. */
  host?: string;
  port?: number;
  protocol?: "http" | "https";
}

/**
 * The payment port on Stripe's API. No apiVersion is set: the SDK pins the
 * version its types describe, which is the one these mappings are written for.
 */
export class StripePaymentProvider implements PaymentProvider {
  readonly name = "stripe";
  private readonly stripe: Stripe;

  constructor(options: StripePaymentProviderOptions) {
    this.stripe = new Stripe(options.secretKey, {
      timeout: options.timeoutMs ?? 10_000,
      // The SDK resends the same Idempotency-Key on a retry, so retrying never charges twice.
      maxNetworkRetries: options.maxNetworkRetries ?? 1,
      host: options.host,
      port: options.port,
      protocol: options.protocol,
    });
  }

  async createPayment(input: CreatePaymentInput): Promise<ProviderPayment> {
    try {
      const intent = await this.stripe.paymentIntents.create(
        {
          amount: input.amount,
          currency: input.currency.toLowerCase(),
          payment_method: input.paymentMethod,
          confirm: true,
          // Campus has no page to come back to: a method that needs a redirect must fail now, not hang.
          automatic_payment_methods: { enabled: true, allow_redirects: "never" },
          metadata: input.metadata,
          ...(input.customer ? { customer: input.customer } : {}),
          // A renewal: the bank must decide without the buyer (an authentication it asks for is a decline).
          ...(input.offSession ? { off_session: true } : {}),
        },
        { idempotencyKey: input.idempotencyKey },
      );
      return fromStripePaymentIntent(intent);
    } catch (error) {
      // Stripe answers a decline with a 402, but the intent it embeds is the real
      // outcome (requires_payment_method, with the decline attached): a FAILED payment.
      if (error instanceof Stripe.errors.StripeCardError && error.payment_intent) {
        return fromStripePaymentIntent(error.payment_intent);
      }
      // A card error without an intent (none was created) has no pi_ id that
      // retrievePayment or a webhook could ever refer to, so it cannot be a
      // ProviderPayment; toProviderError makes it a ProviderRequestError whose
      // code is the decline code, and retrying the same card would not help.
      throw toProviderError(error);
    }
  }

  async retrievePayment(id: string): Promise<ProviderPayment> {
    return fromStripePaymentIntent(await this.stripe.paymentIntents.retrieve(id).catch(rethrow));
  }

  async cancelPayment(id: string): Promise<ProviderPayment> {
    return fromStripePaymentIntent(await this.stripe.paymentIntents.cancel(id).catch(rethrow));
  }

  async refund(input: CreateRefundInput): Promise<ProviderRefund> {
    const refund = await this.stripe.refunds
      .create(
        { payment_intent: input.paymentId, amount: input.amount, metadata: input.metadata },
        { idempotencyKey: input.idempotencyKey },
      )
      .catch(rethrow);
    return fromStripeRefund(refund);
  }

  async saveCustomer(input: SaveCustomerInput): Promise<ProviderCustomer> {
    // Two calls, each with its own key derived from the caller's: a retry repeats neither.
    const customer = await this.stripe.customers
      .create({ metadata: input.metadata }, { idempotencyKey: `${input.idempotencyKey}-customer` })
      .catch(rethrow);
    // Attaching a test token (pm_card_visa) or a Stripe.js one yields the customer's own payment method:
    // its id, not the token, is what off-session charges name.
    const attached = await this.stripe.paymentMethods
      .attach(input.paymentMethod, { customer: customer.id }, { idempotencyKey: `${input.idempotencyKey}-attach` })
      .catch(rethrow);
    return { id: customer.id, paymentMethod: attached.id };
  }
}

function rethrow(error: unknown): never {
  throw toProviderError(error);
}

/**
 * Sorts Stripe's failures by what the caller can do: unavailable means the
 * outcome is unknown and asking again (same idempotency key) may succeed;
 * a request error means Stripe understood and refused. Anything that is not a
 * Stripe error is a bug here and passes through untouched.
 */
function toProviderError(error: unknown): unknown {
  if (!(error instanceof Stripe.errors.StripeError)) return error;
  const unavailable =
    error instanceof Stripe.errors.StripeConnectionError ||
    error instanceof Stripe.errors.StripeAPIError ||
    error instanceof Stripe.errors.StripeRateLimitError ||
    (error.statusCode ?? 0) >= 500;
  const mapped = unavailable
    ? new ProviderUnavailableError(error.message)
    : new ProviderRequestError(error.message, error.decline_code ?? error.code ?? null);
  // Keeps Stripe's request id and raw body for whoever logs it.
  mapped.cause = error;
  return mapped;
}
