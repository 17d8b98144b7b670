import type { WebhookRoute } from "@campus/http";
import type { Logger } from "@campus/logging";
import type { PaymentService } from "../service/payment.service";
import { readStripeWebhook, WebhookSignatureError } from "./stripe.objects";

/**
 * POST /webhooks/stripe: where Stripe (through the production ingress, never
 * the router) and the mock provider report payment and refund outcomes. A
 * bad signature is answered 400 with nothing written; an event is applied
 * once however often it is delivered; a failure answers 500 so the provider
 * delivers again.
 */
export function stripeWebhookRoute(secret: string, payments: PaymentService, logger: Logger): WebhookRoute {
  return async (req, rawBody) => {
    let notice;
    try {
      notice = readStripeWebhook(secret, rawBody, req.headers["stripe-signature"] as string | undefined);
    } catch (error) {
      if (!(error instanceof WebhookSignatureError)) throw error;
      logger.warn({ reason: error.message }, "refused a payment webhook with a bad signature");
      return { status: 400, body: { error: "invalid signature" } };
    }
    await payments.applyNotice(notice);
    return { status: 200, body: { received: true } };
  };
}
