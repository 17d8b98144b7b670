import { randomBytes } from "node:crypto";
import { CatalogClient } from "@campus/catalog-client";
import { configError, positiveInt, z } from "@campus/config";
import { filesEnv, filesSettingNames, openFileStore } from "@campus/files";
import { defineSubgraph, type SubgraphContext } from "@campus/subgraph";
import { CartService } from "./cart/cart.service";
import { CartStore } from "./cart/cart.store";
import { commerceCacheHints } from "./commerce.cache-hints";
import { commercePermissions } from "./commerce.permissions";
import { PrismaClient } from "./data/commerce.prisma";
import { BillingRepository } from "./data/billing.repository";
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
import { InvoiceLineResolver, InvoiceResolver, PlanResolver, SubscriptionResolver } from "./graphql/billing.resolver";
import { MockPaymentProvider } from "./payments/mock.provider";
import type { PaymentProvider } from "./payments/payment-provider";
import { StripePaymentProvider } from "./payments/stripe.provider";
import { stripeWebhookRoute } from "./payments/stripe.webhook";
import { BillingService, systemClock, type Clock } from "./service/billing.service";
import { CheckoutService } from "./service/checkout.service";
import { InvoiceService } from "./service/invoice.service";
import { PlanService } from "./service/plan.service";
import { RenewalJob } from "./service/renewal.job";
import { SubscriptionService } from "./service/subscription.service";
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
    /** How often the renewal job looks for subscriptions due (period ended, retry due). */
    BILLING_INTERVAL_MS: positiveInt(60_000),
    /** Charges of one renewal invoice, the first included, before the subscription is canceled. */
    BILLING_RETRY_ATTEMPTS: positiveInt(4),
    /** Wait before the first retry of a failed renewal; doubled for each one after (24 h, 48 h, 96 h). */
    BILLING_RETRY_BASE_HOURS: positiveInt(24),
    /** Tax added to every invoice's subtotal, in basis points (2000 = 20 %); 0: none. */
    INVOICE_TAX_RATE_BPS: z.coerce
      .number({ error: "must be whole basis points, 0 to 10000" })
      .int("must be whole basis points, 0 to 10000")
      .min(0, "must be whole basis points, 0 to 10000")
      .max(10_000, "must be whole basis points, 0 to 10000")
      .default(0),
    /** The seller's name printed on invoice PDFs. */
    INVOICE_SELLER_NAME: z.string().trim().min(1).default("Campus"),
    /** How long an invoice PDF's download URL works; a new one is signed on every read. */
    INVOICE_PDF_URL_SECONDS: positiveInt(300),
    ...filesEnv,
  },
  requiredInProduction: ["PAYMENT_PROVIDER", "STRIPE_WEBHOOK_SECRET"],
  optionalInProduction: ["STRIPE_SECRET_KEY", ...filesSettingNames],
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
      PlanResolver,
      SubscriptionResolver,
      InvoiceResolver,
      InvoiceLineResolver,
    ],
    federation: ["@key", "@shareable"],
  },
  permissions: commercePermissions,
  cacheHints: commerceCacheHints,

  async wire({ config, prisma, store, logger, work, consume, neighbourUrl, secret, ownUrl, filesDir }) {
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
    const files = await openFileStore(config, {
      root: filesDir,
      baseUrl: ownUrl,
      createBucket: config.NODE_ENV !== "production",
    });
    const billingData = new BillingRepository(prisma);
    // tests set the time by swapping `clock.now` (services.clock)
    const clock: Clock = { now: () => systemClock.now() };
    const billing = new BillingService(
      work,
      provider,
      clock,
      {
        maxAttempts: config.BILLING_RETRY_ATTEMPTS,
        retryBaseMs: config.BILLING_RETRY_BASE_HOURS * 3_600_000,
        taxRateBps: config.INVOICE_TAX_RATE_BPS,
        chargeLeaseMs: config.PAYMENT_STALE_AFTER_MS,
      },
      logger,
    );
    const plans = new PlanService(billingData, work);
    const subscriptions = new SubscriptionService(
      billingData,
      work,
      provider,
      billing,
      config.PAYMENT_STALE_AFTER_MS,
      logger,
    );
    const invoices = new InvoiceService(billingData, files.store, {
      urlSeconds: config.INVOICE_PDF_URL_SECONDS,
      seller: config.INVOICE_SELLER_NAME,
    });
    const renewals = new RenewalJob(billing, clock, { intervalMs: config.BILLING_INTERVAL_MS, batch: 100 }, logger);
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
        new PlanResolver(plans),
        new SubscriptionResolver(subscriptions, billingData),
        new InvoiceResolver(invoices, billingData),
        new InvoiceLineResolver(),
      ],
      references: {
        Order: (ref: { id: string }, ctx: SubgraphContext) => orderService.get(ctx.viewer, ctx.loaders, ref.id),
        // Course and User are owned elsewhere; commerce only needs their id.
        Course: (ref: { id: string }) => ({ id: ref.id }),
        User: (ref: { id: string }) => ({ id: ref.id }),
      },
      services: {
        carts,
        checkout,
        orders: orderService,
        payments,
        refunds,
        reconciler,
        provider,
        plans,
        subscriptions,
        billing,
        invoices,
        renewals,
        clock,
      },
      webhooks: { "/webhooks/stripe": stripeWebhookRoute(webhookSecret, payments, logger) },
      streams: files.streams,
      // the mock's webhooks in flight are delivered before the server closes; the store's S3 sockets close last
      background: [
        reconciler,
        renewals,
        ...(provider instanceof MockPaymentProvider ? [provider] : []),
        { start: () => undefined, stop: () => files.store.close() },
      ],
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
  plans: PlanService;
  subscriptions: SubscriptionService;
  billing: BillingService;
  invoices: InvoiceService;
  renewals: RenewalJob;
  /** Where billing reads the time; tests replace `now` to drive renewals. */
  clock: Clock;
};
