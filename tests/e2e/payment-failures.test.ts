import type { MockPaymentProvider } from "@campus/commerce";
import { signedStripeEvent } from "@campus/commerce/src/payments/stripe.objects";
import {
  backends,
  operation,
  registerInstructor,
  registerUser,
  settleEvents,
  startTestCampus,
  type TestCampus,
  type TestUser,
} from "../support";

/**
 * The purchase saga when payment goes wrong (docs/commerce.md, "The saga, as
 * states"), through the router on every backend:
 * - the provider takes the money but its answer is lost: the order waits in
 *   PENDING_PAYMENT until the reconciler asks again with the same idempotency
 *   key, then is PAID → FULFILLED with one charge and one enrollment;
 * - the seat hold runs out while the payment still waits: the provider's
 *   payment is cancelled, the order CANCELLED with its reason, the seat sold
 *   to someone else, nobody enrolled;
 * - webhooks that arrive late (`payment_intent.created` after `succeeded`),
 *   twice (same event id) or again (new event id) change nothing; money that
 *   arrives for an order already closed is given back.
 * (A webhook with a bad signature is commerce-flow.test.ts's.)
 */

const ADD = operation("commerce", "AddToCart");
const CHECKOUT = operation("commerce", "Checkout");
const ME = operation("mvp", "Me");
const CREATE_COURSE = operation("mvp", "CreateCourse");
const ADD_MODULE = operation("mvp", "AddModule");
const PUBLISH = operation("mvp", "PublishCourse");

/** The buyer's view of an order, with what support sees too (reason, timeline). */
const ORDER = `query PaymentFailureOrder($id: ID!) {
  order(id: $id) {
    id status statusReason paidAt
    timeline { kind detail }
    payments { id status failureCode }
    refunds { id status amount { amount currency } }
    items { course { id viewerEnrollment { id status } } }
  }
}`;

const WEBHOOK_SECRET = "whsec_payment_failures_e2e_0123456789";
const TIMEOUT_CARD = "pm_card_visa_campusTimeout";
const DAY_MS = 86_400_000;

let keys = 0;
const newKey = () => `payment-failure-${Date.now()}-${(keys += 1)}`;
const kinds = (order: { timeline: { kind: string }[] }) => order.timeline.map((entry) => entry.kind);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(backends().map((backend) => [backend.name, backend] as const))(
  "payment failures in the purchase saga (%s)",
  (_name, backend) => {
    let campus: TestCampus;
    let instructor: TestUser;
    let provider: MockPaymentProvider;
    beforeAll(async () => {
      campus = await startTestCampus(backend, {
        PAYMENT_RECONCILE_INTERVAL_MS: "200",
        PAYMENT_STALE_AFTER_MS: "1000",
        // known to the test, so it can sign webhooks as the provider does
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      });
      instructor = await registerInstructor(campus, "Till Keeper");
      provider = campus.services.commerce.provider as MockPaymentProvider;
    }, 300_000);
    afterEach(() => jest.restoreAllMocks());
    afterAll(() => campus?.stop());

    async function publishedCourse(capacity?: number): Promise<string> {
      const created = await campus.gql(
        CREATE_COURSE,
        {
          input: {
            title: `Payment failure ${Date.now()}`,
            description: "Bought the hard way",
            level: "BEGINNER",
            price: { amount: 3900, currency: "USD" },
            ...(capacity ? { capacity } : {}),
          },
        },
        instructor.accessToken,
      );
      const id = created.data.createCourse.id as string;
      await campus.gql(ADD_MODULE, { courseId: id, input: { title: "Only" } }, instructor.accessToken);
      expect((await campus.gql(PUBLISH, { id }, instructor.accessToken)).errors).toBeUndefined();
      return id;
    }

    async function buyerWithCart(courseId: string, name: string): Promise<TestUser> {
      const buyer = await registerUser(campus, name);
      expect((await campus.gql(ADD, { courseId }, buyer.accessToken)).errors).toBeUndefined();
      return buyer;
    }

    async function checkout(buyer: TestUser, paymentMethod: string) {
      const result = await campus.gql(
        CHECKOUT,
        { input: { idempotencyKey: newKey(), paymentMethod } },
        buyer.accessToken,
      );
      expect(result.errors).toBeUndefined();
      return result.data.checkout as { order: { id: string; status: string }; payment: { id: string; status: string } };
    }

    async function order(id: string, buyer: TestUser) {
      const result = await campus.gql(ORDER, { id }, buyer.accessToken);
      expect(result.errors).toBeUndefined();
      return result.data.order;
    }

    async function orderUntil(id: string, buyer: TestUser, done: (order: any) => boolean, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const current = await order(id, buyer);
        if (done(current)) return current;
        if (Date.now() > deadline) throw new Error(`order stuck: ${JSON.stringify(current)}`);
        await pause(50);
      }
    }

    async function paymentRow(orderId: string) {
      const rows = await campus.databases.commerce.query<Record<string, unknown>>(
        `SELECT "id", "status"::text AS status, "providerPaymentId", "failureCode", "updatedAt"
           FROM "commerce"."Payment" WHERE "orderId" = $1::uuid`,
        [orderId],
      );
      expect(rows).toHaveLength(1);
      return rows[0]!;
    }

    async function enrollments(courseId: string, userId?: string): Promise<number> {
      const rows = await campus.databases.enrollment.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM "enrollment"."Enrollment"
          WHERE "courseId" = $1::uuid AND ($2::uuid IS NULL OR "userId" = $2::uuid)`,
        [courseId, userId ?? null],
      );
      return Number(rows[0]!.count);
    }

    const charges = async () => (await provider.charges()).length;

    /**
     * Fixture: rewrites a PaymentIntent in the mock provider's ledger (its
     * layout is mock.provider.ts's), for states the mock has no test card for.
     */
    async function setIntent(intentId: string, status: string, charged: boolean) {
      const key = (...parts: string[]) => ["commerce", "mock-provider", ...parts].join(":");
      const intent = JSON.parse((await campus.store.get(key("pi", intentId)))!);
      await campus.store.set(
        key("pi", intentId),
        JSON.stringify({ ...intent, status, last_payment_error: null }),
        DAY_MS,
      );
      if (charged) await campus.store.addToSet(key("charges"), intentId, DAY_MS);
      else await campus.store.removeFromSet(key("charges"), intentId);
    }

    const webhookUrl = () => campus.subgraphUrls.commerce!.replace(/\/graphql$/, "/webhooks/stripe");

    /** POSTs a webhook to commerce as the provider does; returns the HTTP status. */
    async function deliver(event: { body: string; signature: string }): Promise<number> {
      const response = await fetch(webhookUrl(), {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": event.signature },
        body: event.body,
      });
      return response.status;
    }

    /** A correctly signed `payment_intent.*` event about a PaymentIntent the mock holds, with a new event id. */
    async function intentEvent(type: string, intentId: string, status: string) {
      const intent = await provider.retrievePayment(intentId);
      const object = {
        id: intentId,
        status,
        amount: intent.amount,
        currency: intent.currency,
        client_secret: intent.clientSecret,
        metadata: intent.metadata,
        last_payment_error: null,
      };
      const id = `evt_test_${newKey()}`;
      return { id, ...signedStripeEvent(WEBHOOK_SECRET, { id, type, object }) };
    }

    /** Waits until commerce has recorded these webhook event ids; returns how many it has. */
    async function eventsRecorded(ids: string[]): Promise<number> {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const rows = await campus.databases.commerce.query<{ count: number }>(
          `SELECT count(*)::int AS count FROM "commerce"."ProviderEvent" WHERE "id" = ANY($1::text[])`,
          [ids],
        );
        const count = Number(rows[0]!.count);
        if (count === ids.length || Date.now() > deadline) return count;
        await pause(50);
      }
    }

    it("a provider timeout leaves the order PENDING_PAYMENT; the reconciler pays it once and it is fulfilled", async () => {
      const courseId = await publishedCourse();
      const buyer = await buyerWithCart(courseId, "Timed Out");
      const chargesBefore = await charges();

      // held until the state in between is seen: on a busy machine it would otherwise come first
      const { reconciler } = campus.services.commerce;
      await reconciler.stop();
      const placed = await checkout(buyer, TIMEOUT_CARD);
      try {
        expect(placed.order.status).toBe("PENDING_PAYMENT");
        expect(placed.payment.status).toBe("PENDING");
        // the provider took the money, but commerce never heard which PaymentIntent it was
        expect(await order(placed.order.id, buyer)).toMatchObject({
          status: "PENDING_PAYMENT",
          paidAt: null,
          payments: [{ status: "PENDING", failureCode: null }],
        });
        expect(await paymentRow(placed.order.id)).toMatchObject({ status: "PENDING", providerPaymentId: null });
        expect((await charges()) - chargesBefore).toBe(1);
      } finally {
        reconciler.start();
      }

      const fulfilled = await orderUntil(placed.order.id, buyer, (o) => o.status === "FULFILLED");
      expect(kinds(fulfilled)).toEqual(["PLACED", "PAID", "FULFILLED"]);
      expect(fulfilled.payments).toEqual([expect.objectContaining({ status: "SUCCEEDED", failureCode: null })]);
      expect(fulfilled.items[0].course.viewerEnrollment.status).toBe("ACTIVE");
      const payment = await paymentRow(placed.order.id);
      expect(payment).toMatchObject({ status: "SUCCEEDED", providerPaymentId: expect.stringMatching(/^pi_mock_/) });
      expect(await provider.retrievePayment(payment.providerPaymentId as string)).toMatchObject({
        status: "SUCCEEDED",
        metadata: { paymentId: placed.payment.id },
      });

      await settleEvents(campus);
      // asked again with the same idempotency key: the same PaymentIntent, no second charge
      expect((await charges()) - chargesBefore).toBe(1);
      expect(await enrollments(courseId)).toBe(1);
      const me = await campus.gql(ME, {}, buyer.accessToken);
      const enrolled = me.data.me.enrollments.edges.filter((edge: any) => edge.node.course.id === courseId);
      expect(enrolled).toEqual([{ node: expect.objectContaining({ status: "ACTIVE" }) }]);
    });

    /**
     * Fixture: the mock has no card whose payment stays pending, so the next
     * charge is made into one. It goes through with the timeout card (no
     * answer, no webhooks), then its PaymentIntent becomes one waiting for
     * 3-D Secure the buyer never completes (`requires_action`: no money
     * taken, no outcome until it is cancelled). Done inside the provider
     * call, so the reconciler never sees it paid.
     */
    function nextChargeAwaitsAuthentication() {
      const charge = provider.createPayment.bind(provider);
      jest.spyOn(provider, "createPayment").mockImplementationOnce(async (input) => {
        try {
          return await charge(input);
        } finally {
          // the key's claim holds the PaymentIntent as first decided
          const claim = (await campus.store.get(`commerce:mock-provider:idem:${input.idempotencyKey}`))!;
          await setIntent((JSON.parse(claim) as { id: string }).id, "requires_action", false);
        }
      });
    }

    it("an expired seat hold cancels the provider's payment and the order, and frees the seat", async () => {
      const courseId = await publishedCourse(1);
      const buyer = await buyerWithCart(courseId, "Too Slow");
      const rival = await buyerWithCart(courseId, "Next In Line");
      const chargesBefore = await charges();

      nextChargeAwaitsAuthentication();
      const placed = await checkout(buyer, TIMEOUT_CARD);
      expect(placed.order.status).toBe("PENDING_PAYMENT");
      // while the seat is held, the only seat is not for sale
      const refused = await campus.gql(
        CHECKOUT,
        { input: { idempotencyKey: newKey(), paymentMethod: "pm_card_visa" } },
        rival.accessToken,
      );
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", reason: "SOLD_OUT" });

      // the reconciler learns the PaymentIntent (still pending) but cannot close the order
      const deadline = Date.now() + 10_000;
      while (!(await paymentRow(placed.order.id)).providerPaymentId) {
        if (Date.now() > deadline) throw new Error("the reconciler never asked about the pending payment");
        await pause(50);
      }
      const intentId = (await paymentRow(placed.order.id)).providerPaymentId as string;
      expect((await order(placed.order.id, buyer)).status).toBe("PENDING_PAYMENT");

      // Fixture: SEAT_HOLD_MINUTES takes whole minutes (at least 1), so the hold is
      // moved into the past instead of waiting for it.
      await campus.databases.commerce.query(
        `UPDATE "commerce"."Order" SET "holdExpiresAt" = now() - interval '1 second' WHERE "id" = $1::uuid`,
        [placed.order.id],
      );

      const cancelled = await orderUntil(placed.order.id, buyer, (o) => o.status === "CANCELLED");
      expect(cancelled).toMatchObject({
        statusReason: "The seat hold expired before the payment succeeded",
        paidAt: null,
        payments: [{ status: "FAILED", failureCode: "canceled" }],
        refunds: [],
        items: [{ course: { id: courseId, viewerEnrollment: null } }],
      });
      expect(kinds(cancelled)).toEqual(["PLACED", "CANCELLED"]);
      expect(await provider.retrievePayment(intentId)).toMatchObject({ status: "CANCELED" });
      const holds = await campus.databases.commerce.query<{ status: string }>(
        `SELECT h."status"::text AS status FROM "commerce"."SeatHold" h
           JOIN "commerce"."OrderItem" i ON i."id" = h."orderItemId" WHERE i."orderId" = $1::uuid`,
        [placed.order.id],
      );
      expect(holds).toEqual([{ status: "RELEASED" }]);
      await settleEvents(campus);
      expect(await enrollments(courseId)).toBe(0);
      expect((await charges()) - chargesBefore).toBe(0);

      // the seat came back: someone else buys the capacity-1 course
      const sold = await checkout(rival, "pm_card_visa");
      await orderUntil(sold.order.id, rival, (o) => o.status === "FULFILLED");
      await settleEvents(campus);
      expect(await enrollments(courseId, rival.id)).toBe(1);
      expect(await enrollments(courseId, buyer.id)).toBe(0);
      expect((await order(placed.order.id, buyer)).status).toBe("CANCELLED");
    });

    it("late, repeated and redelivered webhooks after fulfilment change nothing", async () => {
      const courseId = await publishedCourse();
      const buyer = await buyerWithCart(courseId, "Well Served");

      // Listen to the provider's own webhooks, to deliver one of them again byte for byte.
      const sent: { type: string; id: string; body: string; signature: string }[] = [];
      const realFetch = globalThis.fetch;
      jest.spyOn(globalThis, "fetch").mockImplementation(async (url, init) => {
        if (String(url) === webhookUrl() && typeof init?.body === "string") {
          const { id, type } = JSON.parse(init.body) as { id: string; type: string };
          const signature = (init.headers as Record<string, string>)["stripe-signature"]!;
          sent.push({ type, id, body: init.body, signature });
        }
        return realFetch(url, init);
      });
      const placed = await checkout(buyer, "pm_card_visa");
      await orderUntil(placed.order.id, buyer, (o) => o.status === "FULFILLED");
      expect(await eventsRecorded(sent.map((event) => event.id))).toBe(2);
      jest.restoreAllMocks();
      expect(sent.map((event) => event.type).sort()).toEqual(["payment_intent.created", "payment_intent.succeeded"]);

      const intentId = (await paymentRow(placed.order.id)).providerPaymentId as string;
      const before = await snapshot();
      expect(before.order.status).toBe("FULFILLED");
      expect(before.enrollments).toBe(1);

      const late = await intentEvent("payment_intent.created", intentId, "requires_confirmation");
      const redelivered = sent.find((event) => event.type === "payment_intent.succeeded")!;
      const again = await intentEvent("payment_intent.succeeded", intentId, "succeeded");
      expect(await deliver(late)).toBe(200);
      expect(await deliver(redelivered)).toBe(200);
      expect(await deliver(again)).toBe(200);

      await settleEvents(campus);
      // the redelivery was known by its event id; the two new event ids were recorded, and nothing else changed
      expect(await snapshot()).toEqual({ ...before, providerEvents: before.providerEvents + 2 });
      expect(await eventsRecorded([late.id, redelivered.id, again.id])).toBe(3);

      async function snapshot() {
        const providerEvents = await campus.databases.commerce.query<{ count: number }>(
          `SELECT count(*)::int AS count FROM "commerce"."ProviderEvent"`,
        );
        return {
          order: await order(placed.order.id, buyer),
          payment: await paymentRow(placed.order.id),
          enrollments: await enrollments(courseId, buyer.id),
          charges: await charges(),
          providerEvents: Number(providerEvents[0]!.count),
        };
      }
    });

    /**
     * docs/commerce.md: "Money that arrives for an order already closed is
     * refunded automatically." With Stripe, a declined PaymentIntent is left
     * `requires_payment_method` (not cancelled) and the buyer holds its client
     * secret, so confirming it again on the client with another card takes
     * the money after the order is PAYMENT_FAILED. The mock cannot do that, so
     * its ledger is moved to `succeeded` (fixture) and Stripe's webhook is
     * delivered as Stripe would send it.
     */
    it("money that arrives after the order failed is given back", async () => {
      const courseId = await publishedCourse();
      const buyer = await buyerWithCart(courseId, "Second Card");
      const placed = await checkout(buyer, "pm_card_chargeDeclined");
      expect(placed.order.status).toBe("PAYMENT_FAILED");
      const intentId = (await paymentRow(placed.order.id)).providerPaymentId as string;

      await setIntent(intentId, "succeeded", true);
      expect(await deliver(await intentEvent("payment_intent.succeeded", intentId, "succeeded"))).toBe(200);

      const closed = await orderUntil(placed.order.id, buyer, (o) => o.refunds.length > 0, 3_000);
      expect(closed.status).toBe("PAYMENT_FAILED");
      expect(kinds(closed)).toContain("LATE_PAYMENT");
      expect(closed.refunds).toEqual([expect.objectContaining({ amount: { amount: 3900, currency: "USD" } })]);
      await orderUntil(placed.order.id, buyer, (o) => o.refunds[0].status === "SUCCEEDED");
      await settleEvents(campus);
      expect(await enrollments(courseId)).toBe(0);
    });
  },
);
