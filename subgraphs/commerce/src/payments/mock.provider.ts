import { randomBytes } from "node:crypto";
import type { SharedStore } from "@campus/kv";
import type { Logger } from "@campus/logging";
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
import {
  fromStripePaymentIntent,
  fromStripeRefund,
  signedStripeEvent,
  type StripePaymentIntentLike,
  type StripeRefundLike,
} from "./stripe.objects";

/**
 * Stripe's test payment methods, and what the mock does with them. The last
 * one is the mock's own: the charge goes through but the answer and its
 * webhooks are lost, as when the provider times out (only the reconciler
 * learns the outcome).
 */
const TEST_CARDS: Record<string, { outcome: "succeeds" | "declined" | "lost"; declineCode?: string }> = {
  // saved on a customer without complaint, declined whenever it is charged (a subscription's renewal failing)
  pm_card_chargeCustomerFail: { outcome: "declined", declineCode: "card_declined" },
  pm_card_visa: { outcome: "succeeds" },
  pm_card_mastercard: { outcome: "succeeds" },
  pm_card_amex: { outcome: "succeeds" },
  pm_card_chargeDeclined: { outcome: "declined", declineCode: "generic_decline" },
  pm_card_chargeDeclinedInsufficientFunds: { outcome: "declined", declineCode: "insufficient_funds" },
  pm_card_chargeDeclinedExpiredCard: { outcome: "declined", declineCode: "expired_card" },
  pm_card_visa_campusTimeout: { outcome: "lost" },
};

const DAY_MS = 86_400_000;

export interface MockProviderOptions {
  /** Where its ledger lives: the shared store, so it survives restarts as Stripe would. */
  store: SharedStore;
  /** Signs its webhooks, as Stripe signs them with the endpoint's secret. */
  webhookSecret: string;
  /** Where its webhooks go: commerce's own webhook endpoint. */
  webhookUrl: () => string;
  logger: Logger;
}

/**
 * The embedded default payment provider: a small Stripe. It keeps
 * PaymentIntents and refunds in the shared store, honours idempotency keys
 * (one key, one intent, one charge), decides by Stripe's test payment-method
 * tokens, and reports every outcome as a Stripe-shaped, signed webhook to
 * commerce's /webhooks/stripe — the same path Stripe's webhooks take.
 */
export class MockPaymentProvider implements PaymentProvider {
  readonly name = "mock";
  private readonly deliveries = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: MockProviderOptions) {}

  async createPayment(input: CreatePaymentInput): Promise<ProviderPayment> {
    const card = TEST_CARDS[input.paymentMethod];
    if (!card) {
      throw new ProviderRequestError(`No such PaymentMethod: '${input.paymentMethod}'`, "resource_missing");
    }
    if (input.customer && !(await this.options.store.get(this.key("customer", input.customer)))) {
      throw new ProviderRequestError(`No such customer: '${input.customer}'`, "resource_missing");
    }
    if (input.offSession && !input.customer) {
      throw new ProviderRequestError("off_session requires a customer", "parameter_missing");
    }
    const id = `pi_mock_${randomBytes(12).toString("hex")}`;
    const intent: StripePaymentIntentLike = {
      id,
      status: card.outcome === "declined" ? "requires_payment_method" : "succeeded",
      amount: input.amount,
      currency: input.currency.toLowerCase(),
      client_secret: `${id}_secret_${randomBytes(8).toString("hex")}`,
      metadata: input.metadata,
      last_payment_error: card.declineCode ? { code: "card_declined", decline_code: card.declineCode } : null,
    };
    // The key's claim holds the whole intent: a process killed right after it still left the charge
    // decided, and the next request with the key writes down what is missing (see `replay`).
    const claimed = await this.options.store.setIfAbsent(
      this.key("idem", input.idempotencyKey),
      JSON.stringify(intent),
      DAY_MS,
    );
    if (!claimed) return this.replay(input.idempotencyKey);
    await this.record(intent);
    if (card.outcome === "lost") {
      throw new ProviderUnavailableError("mock provider: the answer was lost (pm_card_visa_campusTimeout)");
    }
    this.notify("payment_intent.created", { ...intent, status: "requires_confirmation", last_payment_error: null });
    this.notify(card.outcome === "succeeds" ? "payment_intent.succeeded" : "payment_intent.payment_failed", intent);
    return fromStripePaymentIntent(intent);
  }

  async retrievePayment(id: string): Promise<ProviderPayment> {
    return fromStripePaymentIntent(await this.load(id));
  }

  async cancelPayment(id: string): Promise<ProviderPayment> {
    const intent = await this.load(id);
    if (intent.status === "succeeded") {
      throw new ProviderRequestError("This PaymentIntent has already succeeded", "payment_intent_unexpected_state");
    }
    const canceled = { ...intent, status: "canceled" as const };
    await this.save(canceled);
    this.notify("payment_intent.canceled", canceled);
    return fromStripePaymentIntent(canceled);
  }

  async refund(input: CreateRefundInput): Promise<ProviderRefund> {
    const intent = await this.load(input.paymentId);
    if (intent.status !== "succeeded") {
      throw new ProviderRequestError("This PaymentIntent has not succeeded", "charge_not_refundable");
    }
    const refund: StripeRefundLike = {
      id: `re_mock_${randomBytes(12).toString("hex")}`,
      status: "succeeded",
      amount: input.amount,
      payment_intent: intent.id,
      metadata: input.metadata,
    };
    const idem = this.key("idem", input.idempotencyKey);
    if (!(await this.options.store.setIfAbsent(idem, JSON.stringify(refund), DAY_MS))) {
      const claimed = await this.options.store.get(idem);
      if (!claimed) throw new ProviderUnavailableError("mock provider: concurrent request with this idempotency key");
      const first = JSON.parse(claimed) as StripeRefundLike;
      // written down now if the first request died between its claim and its record
      await this.options.store.setIfAbsent(this.key("refund", first.id), claimed, 30 * DAY_MS);
      return fromStripeRefund(first);
    }
    await this.options.store.set(this.key("refund", refund.id), JSON.stringify(refund), 30 * DAY_MS);
    this.notify("refund.created", refund);
    return fromStripeRefund(refund);
  }

  async saveCustomer(input: SaveCustomerInput): Promise<ProviderCustomer> {
    if (!TEST_CARDS[input.paymentMethod]) {
      throw new ProviderRequestError(`No such PaymentMethod: '${input.paymentMethod}'`, "resource_missing");
    }
    const customer: ProviderCustomer = {
      id: `cus_mock_${randomBytes(12).toString("hex")}`,
      paymentMethod: input.paymentMethod,
    };
    const idem = this.key("idem", input.idempotencyKey);
    if (!(await this.options.store.setIfAbsent(idem, JSON.stringify(customer), DAY_MS))) {
      const claimed = await this.options.store.get(idem);
      if (!claimed) throw new ProviderUnavailableError("mock provider: concurrent request with this idempotency key");
      const first = JSON.parse(claimed) as ProviderCustomer;
      await this.options.store.setIfAbsent(this.key("customer", first.id), claimed, 400 * DAY_MS);
      return first;
    }
    await this.options.store.set(this.key("customer", customer.id), JSON.stringify(customer), 400 * DAY_MS);
    return customer;
  }

  /** Background work of the subgraph: nothing to start, webhooks to finish on stop. */
  start(): void {}

  stop(): Promise<void> {
    return this.close();
  }

  /** Ids of the intents that took money, for tests that count charges. */
  charges(): Promise<string[]> {
    return this.options.store.setMembers(this.key("charges"));
  }

  /** Waits for webhooks in flight; later ones are dropped (Stripe would retry; the reconciler covers it). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.deliveries]);
  }

  /**
   * Stripe answers a repeated idempotency key with the first request's
   * result, as it stands now. What the first request decided is in the key's
   * claim; if it died before writing the intent down, that happens here.
   */
  private async replay(idempotencyKey: string): Promise<ProviderPayment> {
    const claimed = await this.options.store.get(this.key("idem", idempotencyKey));
    if (!claimed) throw new ProviderUnavailableError("mock provider: concurrent request with this idempotency key");
    const first = JSON.parse(claimed) as StripePaymentIntentLike;
    await this.record(first);
    return this.retrievePayment(first.id);
  }

  /**
   * Writes an intent down unless it already is (it may have moved on since:
   * cancelled), and its charge when it, as it stands, took money. Idempotent.
   */
  private async record(intent: StripePaymentIntentLike): Promise<void> {
    await this.options.store.setIfAbsent(this.key("pi", intent.id), JSON.stringify(intent), 30 * DAY_MS);
    const current = await this.load(intent.id);
    if (current.status === "succeeded") await this.options.store.addToSet(this.key("charges"), intent.id, 30 * DAY_MS);
  }

  private async load(id: string): Promise<StripePaymentIntentLike> {
    const stored = await this.options.store.get(this.key("pi", id));
    if (!stored) throw new ProviderRequestError(`No such payment_intent: '${id}'`, "resource_missing");
    return JSON.parse(stored) as StripePaymentIntentLike;
  }

  private async save(intent: StripePaymentIntentLike): Promise<void> {
    await this.options.store.set(this.key("pi", intent.id), JSON.stringify(intent), 30 * DAY_MS);
  }

  /** Delivers a signed webhook after this call returns, retrying a few times as Stripe does. */
  private notify(type: string, object: object): void {
    if (this.closed) return;
    const { body, signature } = signedStripeEvent(this.options.webhookSecret, {
      id: `evt_mock_${randomBytes(12).toString("hex")}`,
      type,
      object,
    });
    const delivery = this.deliver(body, signature).finally(() => this.deliveries.delete(delivery));
    this.deliveries.add(delivery);
  }

  private async deliver(body: string, signature: string): Promise<void> {
    for (let attempt = 1; attempt <= 5 && !this.closed; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, attempt === 1 ? 5 : 200 * 2 ** attempt));
      try {
        const response = await fetch(this.options.webhookUrl(), {
          method: "POST",
          headers: { "content-type": "application/json", "stripe-signature": signature },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        if (response.ok) return;
        this.options.logger.warn({ status: response.status, attempt }, "mock provider: webhook refused");
      } catch (error) {
        this.options.logger.warn({ err: error, attempt }, "mock provider: webhook delivery failed");
      }
    }
  }

  private key(...parts: string[]): string {
    return ["commerce", "mock-provider", ...parts].join(":");
  }
}
