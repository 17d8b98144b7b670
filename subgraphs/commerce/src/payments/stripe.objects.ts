import Stripe from "stripe";
import type { ProviderPayment, ProviderRefund } from "./payment-provider";

/**
 * Stripe's objects and webhooks in Campus's terms. Both adapters use this:
 * the Stripe adapter for the SDK's answers, the mock provider because it
 * produces Stripe-shaped objects and signs Stripe-shaped webhooks.
 */

/** Stripe's webhook helpers (constructEvent, generateTestHeaderString) need no API key. */
export const stripeWebhooks = Stripe.webhooks;

export type StripePaymentIntentLike = Pick<
  Stripe.PaymentIntent,
  "id" | "status" | "amount" | "currency" | "client_secret" | "metadata"
> & { last_payment_error?: { code?: string; decline_code?: string } | null };

export type StripeRefundLike = Pick<Stripe.Refund, "id" | "status" | "amount" | "metadata"> & {
  payment_intent: string | { id: string } | null;
};

export function fromStripePaymentIntent(intent: StripePaymentIntentLike): ProviderPayment {
  const failure = intent.last_payment_error ?? null;
  let status: ProviderPayment["status"];
  if (intent.status === "succeeded") status = "SUCCEEDED";
  else if (intent.status === "canceled") status = "CANCELED";
  // A confirmation that failed leaves the intent waiting for another payment method, with the error attached.
  else if (intent.status === "requires_payment_method" && failure) status = "FAILED";
  else status = "PENDING";
  return {
    id: intent.id,
    status,
    amount: intent.amount,
    currency: intent.currency,
    clientSecret: intent.client_secret ?? null,
    failureCode: failure ? (failure.decline_code ?? failure.code ?? "payment_failed") : null,
    metadata: { ...(intent.metadata ?? {}) },
  };
}

export function fromStripeRefund(refund: StripeRefundLike): ProviderRefund {
  const status: ProviderRefund["status"] =
    refund.status === "succeeded"
      ? "SUCCEEDED"
      : refund.status === "failed" || refund.status === "canceled"
        ? "FAILED"
        : "PENDING";
  const intent = refund.payment_intent;
  return {
    id: refund.id,
    paymentId: typeof intent === "string" ? intent : (intent?.id ?? ""),
    status,
    amount: refund.amount,
    metadata: { ...(refund.metadata ?? {}) },
  };
}

/** What a verified webhook tells Campus; other event types are acknowledged and ignored. */
export type ProviderNotice =
  | { eventId: string; kind: "payment"; payment: ProviderPayment }
  | { eventId: string; kind: "refund"; refund: ProviderRefund }
  | { eventId: string; kind: "ignored"; type: string };

/** Thrown for a missing or wrong `stripe-signature` header (the route answers 400). */
export class WebhookSignatureError extends Error {
  override name = "WebhookSignatureError";
}

/**
 * Verifies the `stripe-signature` header over the raw body with the endpoint's
 * secret (and the timestamp against replays, Stripe's 5-minute tolerance),
 * then reads the event.
 */
export function readStripeWebhook(secret: string, rawBody: string, signature: string | undefined): ProviderNotice {
  let event: Stripe.Event;
  try {
    if (!signature) throw new Error("no stripe-signature header");
    event = stripeWebhooks.constructEvent(rawBody, signature, secret);
  } catch (error) {
    throw new WebhookSignatureError((error as Error).message);
  }
  const object = event.data.object as unknown;
  if (event.type.startsWith("payment_intent.")) {
    return { eventId: event.id, kind: "payment", payment: fromStripePaymentIntent(object as StripePaymentIntentLike) };
  }
  if (event.type.startsWith("refund.") || event.type === "charge.refund.updated") {
    return { eventId: event.id, kind: "refund", refund: fromStripeRefund(object as StripeRefundLike) };
  }
  return { eventId: event.id, kind: "ignored", type: event.type };
}

/** A Stripe-shaped event body, signed as Stripe signs it (the mock provider's webhooks, and tests). */
export function signedStripeEvent(
  secret: string,
  event: { id: string; type: string; object: object; created?: number },
): { body: string; signature: string } {
  const body = JSON.stringify({
    id: event.id,
    object: "event",
    api_version: "2025-01-27",
    created: event.created ?? Math.floor(Date.now() / 1000),
    type: event.type,
    livemode: false,
    data: { object: event.object },
  });
  return { body, signature: stripeWebhooks.generateTestHeaderString({ payload: body, secret }) };
}
