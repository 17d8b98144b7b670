import { randomBytes } from "node:crypto";
import { CatalogClient } from "@campus/catalog-client";
import { configError, positiveInt, z } from "@campus/config";
import { defineSubgraph, type SubgraphContext } from "@campus/subgraph";
import { CartService } from "./cart/cart.service";
import { CartStore } from "./cart/cart.store";
import { commerceCacheHints } from "./commerce.cache-hints";
import { commercePermissions } from "./commerce.permissions";
import { PrismaClient } from "./data/commerce.prisma";
import { OrderRepository } from "./data/order.repository";
import { ENROLLMENT_GROUP, enrollmentHandlers } from "./events/enrollment.consumer";
import {
  CartItemResolver,
  CartResolver,
  CourseCommerceResolver,
  OrderItemResolver,
  OrderResolver,
  PaymentResolver,
  RefundResolver,
  UserOrdersResolver,
} from "./graphql/commerce.resolver";
import { MockPaymentProvider } from "./payments/mock.provider";
import type { PaymentProvider } from "./payments/payment-provider";
import { StripePaymentProvider } from "./payments/stripe.provider";
import { stripeWebhookRoute } from "./payments/stripe.webhook";
import { CheckoutService } from "./service/checkout.service";
import { FulfilmentService } from "./service/fulfilment.service";
import { OrderService } from "./service/order.service";
import { PaymentReconciler } from "./service/payment.reconciler";
import { PaymentService } from "./service/payment.service";
import { RefundService } from "./service/refund.service";

const USER_CART_TTL_MS = 90 * 86_400_000;

/** Carts, checkout, orders, payments and refunds; the purchase saga with enrollment (docs/commerce.md). */
export const subgraph = defineSubgraph({
  name: "commerce",
  settings: {
    /** mock (Stripe's test cards, no money moves) or stripe; production must say which. */
    PAYMENT_PROVIDER: z.enum(["mock", "stripe"], { error: "must be mock or stripe" }).optional(),
    STRIPE_SECRET_KEY: z.string().startsWith("sk_", "must be a Stripe secret key (sk_…)").optional(),
    /** Verifies webhooks (Stripe's whsec_…); the mock provider signs with it too. Generated per start when unset outside production. */
    STRIPE_WEBHOOK_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
    /** How long checkout holds a capacity-limited seat while the payment is pending. */
    SEAT_HOLD_MINUTES: positiveInt(15),
    GUEST_CART_TTL_HOURS: positiveInt(168),
    REFUND_WINDOW_DAYS: positiveInt(14),
    REFUND_MAX_PROGRESS: z.coerce
      .number({ error: "must be a number between 0 and 1" })
      .min(0, "must be between 0 and 1")
      .max(1, "must be between 0 and 1")
      .default(0.3),
    PAYMENT_RECONCILE_INTERVAL_MS: positiveInt(10_000),
    /** A payment with no outcome this long is asked about again (same idempotency key). */
    PAYMENT_STALE_AFTER_MS: positiveInt(30_000),
    CATALOG_TIMEOUT_MS: positiveInt(3000),
  },
  requiredInProduction: ["PAYMENT_PROVIDER", "STRIPE_WEBHOOK_SECRET"],
  optionalInProduction: ["STRIPE_SECRET_KEY"],
  neighbours: ["catalog"],
  prisma: (adapter) => new PrismaClient({ adapter }),
  graphql: {
    resolvers: [
      CartResolver,
      CartItemResolver,
      OrderResolver,
      OrderItemResolver,
      PaymentResolver,
      RefundResolver,
      CourseCommerceResolver,
      UserOrdersResolver,
    ],
    federation: ["@key", "@shareable"],
  },
  permissions: commercePermissions,
  cacheHints: commerceCacheHints,

  async wire({ config, prisma, store, logger, work, consume, neighbourUrl, secret, ownUrl }) {
    const catalog = new CatalogClient({
      url: () => neighbourUrl("catalog"),
      secret,
      timeoutMs: config.CATALOG_TIMEOUT_MS,
      logger,
    });
    const webhookSecret = config.STRIPE_WEBHOOK_SECRET ?? `whsec_${randomBytes(24).toString("base64url")}`;
    let provider: PaymentProvider;
    if (config.PAYMENT_PROVIDER === "stripe") {
      if (!config.STRIPE_SECRET_KEY) throw configError("STRIPE_SECRET_KEY", "required when PAYMENT_PROVIDER=stripe");
      provider = new StripePaymentProvider({ secretKey: config.STRIPE_SECRET_KEY });
    } else {
      provider = new MockPaymentProvider({
        store,
        webhookSecret,
        webhookUrl: () => `${ownUrl()}/webhooks/stripe`,
        logger,
      });
    }

    const orders = new OrderRepository(prisma);
    const carts = new CartService(
      new CartStore(store, { guestMs: config.GUEST_CART_TTL_HOURS * 3_600_000, userMs: USER_CART_TTL_MS }),
      catalog,
      orders,
    );
    const refunds = new RefundService(
      orders,
      work,
      provider,
      { windowDays: config.REFUND_WINDOW_DAYS, maxProgress: config.REFUND_MAX_PROGRESS },
      logger,
    );
    const payments = new PaymentService(orders, work, provider, refunds, logger);
    const checkout = new CheckoutService(
      orders,
      work,
      carts,
      catalog,
      payments,
      config.SEAT_HOLD_MINUTES * 60_000,
      logger,
    );
    const orderService = new OrderService(orders);
    const reconciler = new PaymentReconciler(
      orders,
      payments,
      refunds,
      store,
      { intervalMs: config.PAYMENT_RECONCILE_INTERVAL_MS, staleAfterMs: config.PAYMENT_STALE_AFTER_MS },
      logger,
    );
    consume(
      ENROLLMENT_GROUP,
      enrollmentHandlers(new FulfilmentService(refunds, logger), (refundIds) => {
        if (refundIds.length > 0) reconciler.kick();
      }),
    );

    return {
      resolvers: [
        new CartResolver(carts, catalog),
        new CartItemResolver(catalog),
        new OrderResolver(orderService, checkout, refunds),
        new OrderItemResolver(),
        new PaymentResolver(orderService),
        new RefundResolver(),
        new CourseCommerceResolver(orderService),
        new UserOrdersResolver(orderService),
      ],
      references: {
        Order: (ref: { id: string }, ctx: SubgraphContext) => orderService.get(ctx.viewer, ctx.loaders, ref.id),
        // Course and User are owned elsewhere; commerce only needs their id.
        Course: (ref: { id: string }) => ({ id: ref.id }),
        User: (ref: { id: string }) => ({ id: ref.id }),
      },
      services: { carts, checkout, orders: orderService, payments, refunds, reconciler, provider },
      webhooks: { "/webhooks/stripe": stripeWebhookRoute(webhookSecret, payments, logger) },
      // the mock's webhooks in flight are delivered before the server closes
      background: provider instanceof MockPaymentProvider ? [reconciler, provider] : [reconciler],
    };
  },
});

export type CommerceServices = {
  carts: CartService;
  checkout: CheckoutService;
  orders: OrderService;
  payments: PaymentService;
  refunds: RefundService;
  reconciler: PaymentReconciler;
  provider: PaymentProvider;
};
