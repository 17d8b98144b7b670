import { createHash, randomUUID } from "node:crypto";
import type { Viewer } from "@campus/auth";
import { badInput, conflict, notFound, serviceUnavailable, unauthenticated } from "@campus/errors";
import { invoiceIssued, subscriptionStarted, type UnitOfWork } from "@campus/events";
import type { Logger } from "@campus/logging";
import { Prisma, type CommerceTx, type SubscriptionRow } from "../data/commerce.prisma";
import type { BillingRepository } from "../data/billing.repository";
import { BillingWrites } from "../data/billing.writes";
import { invoiceFacts, subscriptionFacts } from "../events/subscription.publisher";
import { ProviderRequestError, ProviderUnavailableError, type PaymentProvider } from "../payments/payment-provider";
import type { BillingService } from "./billing.service";
import { periodLine } from "./billing.service";
import { IDEMPOTENCY_KEY_TTL_MS } from "./checkout.service";
import { periodEnd } from "./invoice.rules";
import { LIVE_STATES } from "./subscription.machine";
import { requestHash } from "./idempotency";

const DAY_MS = 86_400_000;

export interface SubscribeInput {
  planId: string;
  paymentMethod: string;
  idempotencyKey: string;
}

/** Thrown inside the transaction when another request holds the key: rolls back everything it wrote. */
class KeyTaken extends Error {}

/**
 * Subscribing and canceling. Subscribe is idempotent on its key as checkout
 * is (the same key and input answer the same subscription; another input is
 * CONFLICT). It saves the payment method on a provider customer (renewals
 * charge it off-session), writes the subscription INCOMPLETE with its first
 * invoice and attempt in one transaction, and charges after commit
 * (BillingService.collect): ACTIVE with the invoice PAID, or, declined,
 * BAD_USER_INPUT (PAYMENT_DECLINED) with nothing live left behind. A plan
 * with a trial starts TRIALING with a zero invoice; its first charge is the
 * renewal at the trial's end.
 */
export class SubscriptionService {
  constructor(
    private readonly billing: BillingRepository,
    private readonly work: UnitOfWork<CommerceTx>,
    private readonly provider: PaymentProvider,
    private readonly collector: BillingService,
    private readonly chargeLeaseMs: number,
    private readonly logger: Logger,
  ) {}

  async subscribe(viewer: Viewer, input: SubscribeInput): Promise<SubscriptionRow> {
    const userId = viewer.userId;
    if (!userId) throw unauthenticated();
    validate(input);
    const hash = requestHash(input.planId, input.paymentMethod);
    const replay = await this.replay(userId, input.idempotencyKey, hash);
    if (replay) return replay;

    const plan = await this.billing.planFresh(input.planId);
    if (!plan || !plan.active) throw notFound("Plan");
    // A quick answer; under concurrency the unique live-subscription index decides (below).
    const current = await this.billing.currentOf(userId);
    if (current && LIVE_STATES.includes(current.status)) throw alreadySubscribed();

    let customer: { id: string; paymentMethod: string };
    try {
      const keyHash = createHash("sha256").update(input.idempotencyKey).digest("hex").slice(0, 32);
      customer = await this.provider.saveCustomer({
        paymentMethod: input.paymentMethod,
        idempotencyKey: `campus-customer-${userId}-${keyHash}-${hash.slice(0, 16)}`,
        metadata: { userId },
      });
    } catch (error) {
      if (error instanceof ProviderUnavailableError) {
        throw serviceUnavailable("The payment provider did not answer; retry with the same idempotency key");
      }
      if (error instanceof ProviderRequestError) {
        throw badInput("The payment method was refused", {
          reason: "PAYMENT_METHOD_INVALID",
          field: "paymentMethod",
          declineCode: error.code,
        });
      }
      throw error;
    }

    const id = randomUUID();
    const now = this.collector.now();
    const trialDays = plan.trialDays ?? 0;
    try {
      await this.work.run(async (tx, emit) => {
        const writes = new BillingWrites(tx);
        const expiresAt = new Date(now.getTime() + IDEMPOTENCY_KEY_TTL_MS);
        if (!(await writes.claimSubscriptionKey(userId, input.idempotencyKey, hash, id, expiresAt))) {
          throw new KeyTaken();
        }
        // the customer's saved payment method, not the token it was made from: renewals charge it
        const common = { id, userId, planId: plan.id, customerId: customer.id, paymentMethod: customer.paymentMethod };
        if (trialDays > 0) {
          const trialEnd = new Date(now.getTime() + trialDays * DAY_MS);
          const sub = await writes.createSubscription({
            ...common,
            status: "TRIALING",
            currentPeriodStart: now,
            currentPeriodEnd: trialEnd,
            trialEnd,
            billingAnchor: trialEnd,
            dueAt: trialEnd,
          });
          // A zero invoice records the trial (as Stripe issues one); the first charge is the trial end's renewal.
          const invoice = await writes.createInvoice({
            id: randomUUID(),
            userId,
            subscriptionId: id,
            status: "PAID",
            currency: plan.currency,
            totals: this.collector.totalsFor(`${plan.name}, ${trialDays}-day free trial`, 0),
            taxRateBps: this.collector.taxRateBps,
            periodStart: now,
            periodEnd: trialEnd,
            issuedAt: now,
          });
          emit(subscriptionStarted, id, {
            ...subscriptionFacts(sub),
            invoiceId: invoice.id,
            amountPaid: { amount: 0, currency: plan.currency },
          });
          emit(invoiceIssued, invoice.id, invoiceFacts(invoice));
          return;
        }
        const end = periodEnd(now, plan.interval, 1);
        await writes.createSubscription({
          ...common,
          status: "INCOMPLETE",
          currentPeriodStart: now,
          currentPeriodEnd: end,
          trialEnd: null,
          billingAnchor: now,
          // the billing job asks about a first charge whose answer never came
          dueAt: new Date(now.getTime() + this.chargeLeaseMs),
        });
        const invoice = await writes.createInvoice({
          id: randomUUID(),
          userId,
          subscriptionId: id,
          status: "OPEN",
          currency: plan.currency,
          totals: this.collector.totalsFor(periodLine(plan.name, now, end), plan.priceAmount),
          taxRateBps: this.collector.taxRateBps,
          periodStart: now,
          periodEnd: end,
          issuedAt: now,
        });
        await writes.createAttempt({
          id: randomUUID(),
          invoiceId: invoice.id,
          provider: this.provider.name,
          amount: invoice.totalAmount,
          currency: invoice.currency,
        });
      });
    } catch (error) {
      if (error instanceof KeyTaken) {
        const winner = await this.replay(userId, input.idempotencyKey, hash);
        if (!winner) throw new Error("idempotency key taken but no subscription behind it");
        return winner;
      }
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw alreadySubscribed();
      throw error;
    }
    this.logger.info({ subscriptionId: id, userId, planId: plan.id, trialDays }, "subscription created");
    if (trialDays === 0) await this.collector.collect(id, now, true);
    return this.outcome(id);
  }

  /** Ends the subscription when its period does (no more charges); the owner's only. */
  async cancel(viewer: Viewer, id: string): Promise<SubscriptionRow> {
    if (!viewer.userId) throw unauthenticated();
    const found = await this.billing.subscription(id);
    if (!found || found.userId !== viewer.userId || !shown(found)) throw notFound("Subscription");
    return this.work.run(async (tx) => {
      const writes = new BillingWrites(tx);
      const sub = (await writes.lockSubscription(id))!;
      if (sub.status === "CANCELED" || sub.cancelAtPeriodEnd) return sub;
      this.logger.info({ subscriptionId: id }, "subscription set to cancel at period end");
      return writes.updateSubscription(id, { cancelAtPeriodEnd: true });
    });
  }

  /** The viewer's live subscription, else the one that ended last; null when they never had one. */
  async mine(viewer: Viewer): Promise<SubscriptionRow | null> {
    if (!viewer.userId) throw unauthenticated();
    return this.billing.currentOf(viewer.userId);
  }

  /** What an earlier request with this key became; CONFLICT when it asked for something else. */
  private async replay(userId: string, key: string, hash: string): Promise<SubscriptionRow | null> {
    const claimed = await this.billing.subscriptionRequest(userId, key);
    if (!claimed || claimed.expiresAt.getTime() < Date.now()) return null;
    if (claimed.requestHash !== hash) {
      throw conflict("This idempotency key was used for another subscription request", {
        reason: "IDEMPOTENCY_KEY_REUSED",
      });
    }
    const sub = await this.billing.subscription(claimed.subscriptionId);
    // the first request's charge has no answer yet: ask with the same attempt (never a second charge)
    if (sub?.status === "INCOMPLETE") await this.collector.collect(sub.id, this.collector.now(), true);
    return this.outcome(claimed.subscriptionId);
  }

  private async outcome(id: string): Promise<SubscriptionRow> {
    const sub = (await this.billing.subscription(id))!;
    if (sub.status === "INCOMPLETE") {
      throw serviceUnavailable("The payment provider did not answer; retry with the same idempotency key");
    }
    if (sub.status === "INCOMPLETE_EXPIRED") {
      const failure = await this.billing.lastFailureOf(id);
      throw badInput("The payment was declined; nothing was charged", {
        reason: "PAYMENT_DECLINED",
        declineCode: failure?.failureCode ?? "payment_failed",
      });
    }
    return sub;
  }
}

const shown = (sub: SubscriptionRow) => sub.status !== "INCOMPLETE" && sub.status !== "INCOMPLETE_EXPIRED";

const alreadySubscribed = () =>
  conflict("You already have a subscription; cancel it before choosing another plan", { reason: "ALREADY_SUBSCRIBED" });

function validate(input: SubscribeInput) {
  if (input.idempotencyKey.length < 16 || input.idempotencyKey.length > 255) {
    throw badInput("`idempotencyKey` must be 16 to 255 characters", { field: "idempotencyKey" });
  }
  if (!/^[\x21-\x7e]+$/.test(input.paymentMethod) || input.paymentMethod.length > 255) {
    throw badInput("`paymentMethod` must be a payment provider token, e.g. pm_card_visa", { field: "paymentMethod" });
  }
}
