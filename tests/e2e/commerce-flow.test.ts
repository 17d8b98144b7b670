import { signedStripeEvent } from "@campus/commerce/src/payments/stripe.objects";
import {
  backends,
  operation,
  registerAdmin,
  registerInstructor,
  registerUser,
  settleEvents,
  startTestCampus,
  type TestCampus,
} from "../support";

/**
 * Buying a course as a client would, through the router, with the
 * guaranteed operations of schema/operations/commerce.graphql as written:
 * guest cart → sign in → merge → checkout → paid → enrolled → refund; a
 * declined card; and the refusals, each with its stable code.
 */

const CART = operation("commerce", "Cart");
const ADD = operation("commerce", "AddToCart");
const REMOVE = operation("commerce", "RemoveFromCart");
const MERGE = operation("commerce", "MergeCart");
const CHECKOUT = operation("commerce", "Checkout");
const ORDER = operation("commerce", "Order");
const ORDERS = operation("commerce", "Orders");
const REFUND = operation("commerce", "RequestRefund");
const ME = operation("mvp", "Me");
const CREATE_COURSE = operation("mvp", "CreateCourse");
const ADD_MODULE = operation("mvp", "AddModule");
const PUBLISH = operation("mvp", "PublishCourse");
const ENROLL = operation("mvp", "Enroll");

let keys = 0;
const newKey = () => `checkout-key-${Date.now()}-${(keys += 1)}`;

describe.each(backends({ kafka: true }).map((backend) => [backend.name, backend] as const))(
  "buying a course through the router (%s)",
  (_name, backend) => {
    let campus: TestCampus;
    let instructor: { accessToken: string };
    beforeAll(async () => {
      campus = await startTestCampus(backend, { PAYMENT_RECONCILE_INTERVAL_MS: "200" });
      instructor = await registerInstructor(campus, "Shop Keeper");
    }, 300_000);
    afterAll(() => campus?.stop());

    async function publishedCourse(price: { amount: number; currency: string }, capacity?: number) {
      const created = await campus.gql(
        CREATE_COURSE,
        {
          input: {
            title: `Paid course ${Date.now()}`,
            description: "Worth every cent",
            level: "BEGINNER",
            price,
            ...(capacity ? { capacity } : {}),
          },
        },
        instructor.accessToken,
      );
      const id = created.data.createCourse.id as string;
      await campus.gql(ADD_MODULE, { courseId: id, input: { title: "One" } }, instructor.accessToken);
      await campus.gql(ADD_MODULE, { courseId: id, input: { title: "Two" } }, instructor.accessToken);
      const published = await campus.gql(PUBLISH, { id }, instructor.accessToken);
      expect(published.errors).toBeUndefined();
      return id;
    }

    async function orderUntil(id: string, token: string, done: (order: any) => boolean) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const result = await campus.gql(ORDER, { id }, token);
        expect(result.errors).toBeUndefined();
        if (done(result.data.order)) return result.data.order;
        if (Date.now() > deadline) throw new Error(`order stuck: ${JSON.stringify(result.data.order)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    it("guest cart → sign in → merge → checkout → enrolled → refund gives the seat back", async () => {
      const courseId = await publishedCourse({ amount: 4900, currency: "USD" }, 3);

      const added = await campus.gql(ADD, { courseId });
      expect(added.errors).toBeUndefined();
      const token = added.data.addToCart.token as string;
      expect(token.length).toBeGreaterThanOrEqual(32);
      expect(added.data.addToCart.items).toEqual([
        {
          id: expect.any(String),
          course: { id: courseId, title: expect.any(String) },
          price: { amount: 4900, currency: "USD" },
        },
      ]);
      expect(added.data.addToCart.subtotal).toEqual({ amount: 4900, currency: "USD" });
      const guestCart = await campus.gql(CART, { cartToken: token });
      expect(guestCart.data.cart.items.map((item: any) => item.course.price)).toEqual([
        { amount: 4900, currency: "USD" },
      ]);

      const learner = await registerUser(campus, "Buyer");
      const merged = await campus.gql(MERGE, { cartToken: token }, learner.accessToken);
      expect(merged.errors).toBeUndefined();
      expect(merged.data.mergeCart.items.map((item: any) => item.course.id)).toEqual([courseId]);
      // the guest cart ended with the merge
      expect((await campus.gql(CART, { cartToken: token })).errors?.[0]?.extensions?.code).toBe("NOT_FOUND");

      const checkout = await campus.gql(
        CHECKOUT,
        { input: { idempotencyKey: newKey(), paymentMethod: "pm_card_visa" } },
        learner.accessToken,
      );
      expect(checkout.errors).toBeUndefined();
      const placed = checkout.data.checkout;
      expect(placed.order.number).toMatch(/^CAM-\d{4}-\d{6}$/);
      expect(placed.order.total).toEqual({ amount: 4900, currency: "USD" });
      expect(placed.payment).toMatchObject({ provider: "mock", clientSecret: expect.stringContaining("_secret_") });
      expect(["PENDING", "SUCCEEDED"]).toContain(placed.payment.status);

      const fulfilled = await orderUntil(placed.order.id, learner.accessToken, (order) => order.status === "FULFILLED");
      expect(fulfilled.payments).toEqual([
        expect.objectContaining({ status: "SUCCEEDED", amount: { amount: 4900, currency: "USD" }, failureCode: null }),
      ]);
      expect(fulfilled.items[0].course.viewerEnrollment.status).toBe("ACTIVE");
      const me = await campus.gql(ME, {}, learner.accessToken);
      expect(me.data.me.enrollments.edges.map((edge: any) => edge.node.course.id)).toContain(courseId);
      // bought courses leave what the cart shows
      expect((await campus.gql(CART, {}, learner.accessToken)).data.cart.items).toEqual([]);
      const orders = await campus.gql(ORDERS, { first: 5 }, learner.accessToken);
      expect(orders.data.orders.edges.map((edge: any) => edge.node.id)).toEqual([placed.order.id]);
      expect(orders.data.orders.totalCount).toBe(1);

      // buying it again is refused, with a reason
      const again = await campus.gql(ADD, { courseId }, learner.accessToken);
      expect(again.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", reason: "ALREADY_OWNED" });

      const refunded = await campus.gql(
        REFUND,
        { orderId: placed.order.id, reason: "changed my mind" },
        learner.accessToken,
      );
      expect(refunded.errors).toBeUndefined();
      expect(refunded.data.requestRefund.refunds).toEqual([
        {
          id: expect.any(String),
          status: expect.stringMatching(/PENDING|SUCCEEDED/),
          amount: { amount: 4900, currency: "USD" },
        },
      ]);
      const after = await orderUntil(
        placed.order.id,
        learner.accessToken,
        (order) => order.status === "REFUNDED" && order.items[0].course.viewerEnrollment?.status === "CANCELLED",
      );
      expect(after.items[0].refunded).toBe(true);
      expect(after.refunds[0]).toMatchObject({ status: "SUCCEEDED", reason: "changed my mind" });
      await settleEvents(campus);
      const seats = await campus.databases.commerce.query<{ taken: number }>(
        `SELECT "taken" FROM "commerce"."CourseSeats" WHERE "courseId" = $1::uuid`,
        [courseId],
      );
      expect(seats.map((row) => Number(row.taken))).toEqual([0]);
      // a second refund of the same order finds nothing left
      const twice = await campus.gql(REFUND, { orderId: placed.order.id }, learner.accessToken);
      expect(twice.errors?.[0]?.extensions?.code).toBe("CONFLICT");
    });

    it("a declined card fails the order, releases the seat and keeps the cart for another try", async () => {
      const courseId = await publishedCourse({ amount: 1500, currency: "EUR" }, 1);
      const learner = await registerUser(campus, "Declined");
      await campus.gql(ADD, { courseId }, learner.accessToken);
      const declined = await campus.gql(
        CHECKOUT,
        { input: { idempotencyKey: newKey(), paymentMethod: "pm_card_chargeDeclined" } },
        learner.accessToken,
      );
      expect(declined.errors).toBeUndefined();
      expect(declined.data.checkout.order.status).toBe("PAYMENT_FAILED");
      expect(declined.data.checkout.payment.status).toBe("FAILED");
      const order = await campus.gql(ORDER, { id: declined.data.checkout.order.id }, learner.accessToken);
      expect(order.data.order.payments[0].failureCode).toBe("generic_decline");
      const cart = await campus.gql(CART, {}, learner.accessToken);
      expect(cart.data.cart.items.map((item: any) => item.course.id)).toEqual([courseId]);

      // the only seat came back: another try with a good card gets it
      const retry = await campus.gql(
        CHECKOUT,
        { input: { idempotencyKey: newKey(), paymentMethod: "pm_card_visa" } },
        learner.accessToken,
      );
      expect(retry.errors).toBeUndefined();
      await orderUntil(retry.data.checkout.order.id, learner.accessToken, (o) => o.status === "FULFILLED");
    });

    it("refuses what cannot be bought, with stable codes, and writes nothing", async () => {
      const learner = await registerUser(campus, "Careful");
      const other = await registerUser(campus, "Other");
      const free = await publishedCourse({ amount: 0, currency: "USD" });
      const usd = await publishedCourse({ amount: 1000, currency: "USD" });
      const eur = await publishedCourse({ amount: 1000, currency: "EUR" });
      const code = (result: { errors?: any[] }) => result.errors?.[0]?.extensions?.code;
      const reason = (result: { errors?: any[] }) => result.errors?.[0]?.extensions?.reason;

      expect(reason(await campus.gql(ADD, { courseId: free }, learner.accessToken))).toBe("FREE_COURSE");
      expect(code(await campus.gql(ADD, { courseId: "00000000-0000-4000-8000-000000000000" }))).toBe("NOT_FOUND");
      expect(code(await campus.gql(ADD, { courseId: usd, cartToken: "not-a-cart-token" }))).toBe("NOT_FOUND");
      expect(
        code(
          await campus.gql(
            CHECKOUT,
            { input: { idempotencyKey: newKey(), paymentMethod: "pm_card_visa" } },
            learner.accessToken,
          ),
        ),
      ).toBe("BAD_USER_INPUT");
      expect(
        code(await campus.gql(CHECKOUT, { input: { idempotencyKey: newKey(), paymentMethod: "pm_card_visa" } })),
      ).toBe("UNAUTHENTICATED");

      await campus.gql(ADD, { courseId: usd }, learner.accessToken);
      expect(reason(await campus.gql(ADD, { courseId: usd }, learner.accessToken))).toBe("ALREADY_IN_CART");
      expect(reason(await campus.gql(ADD, { courseId: eur }, learner.accessToken))).toBe("MIXED_CURRENCIES");
      expect(
        code(
          await campus.gql(
            CHECKOUT,
            { input: { idempotencyKey: "short", paymentMethod: "pm_card_visa" } },
            learner.accessToken,
          ),
        ),
      ).toBe("BAD_USER_INPUT");
      expect(
        code(await campus.gql(REMOVE, { itemId: "00000000-0000-4000-8000-000000000000" }, learner.accessToken)),
      ).toBe("NOT_FOUND");

      // the same key with another cart is a conflict (Stripe's rule)
      const key = newKey();
      const first = await campus.gql(
        CHECKOUT,
        { input: { idempotencyKey: key, paymentMethod: "pm_card_chargeDeclined" } },
        learner.accessToken,
      );
      expect(first.data.checkout.order.status).toBe("PAYMENT_FAILED");
      const another = await publishedCourse({ amount: 500, currency: "USD" });
      await campus.gql(ADD, { courseId: another }, learner.accessToken);
      const reused = await campus.gql(
        CHECKOUT,
        { input: { idempotencyKey: key, paymentMethod: "pm_card_chargeDeclined" } },
        learner.accessToken,
      );
      expect(reason(reused)).toBe("IDEMPOTENCY_KEY_REUSED");

      // someone else's order is not found, not forbidden: ids cannot be probed
      const foreign = await campus.gql(ORDER, { id: first.data.checkout.order.id }, other.accessToken);
      expect(code(foreign)).toBe("NOT_FOUND");
      expect(code(await campus.gql(REFUND, { orderId: first.data.checkout.order.id }, other.accessToken))).toBe(
        "NOT_FOUND",
      );
      // and a free course stays free: enroll, not checkout
      expect((await campus.gql(ENROLL, { courseId: free }, learner.accessToken)).errors).toBeUndefined();

      // admins find any order by its number
      const admin = await registerAdmin(campus);
      const found = await campus.gql(
        `query($number: String) { adminOrders(filter: { number: $number }) { totalCount edges { node { id buyer { id } timeline { kind } } } } }`,
        { number: first.data.checkout.order.number },
        admin.accessToken,
      );
      expect(found.data.adminOrders.edges[0].node).toEqual({
        id: first.data.checkout.order.id,
        buyer: { id: learner.id },
        timeline: [{ kind: "PLACED" }, { kind: "PAYMENT_FAILED" }],
      });
      expect(code(await campus.gql(`{ adminOrders { totalCount } }`, {}, learner.accessToken))).toBe("FORBIDDEN");
    });

    it("answers a webhook with a bad signature 400 and writes nothing", async () => {
      const url = campus.subgraphUrls.commerce!.replace(/\/graphql$/, "/webhooks/stripe");
      const { body, signature } = signedStripeEvent("whsec_not_the_endpoint_secret", {
        id: "evt_forged",
        type: "payment_intent.succeeded",
        object: { id: "pi_forged", status: "succeeded", amount: 1, currency: "usd", metadata: {} },
      });
      const response = await fetch(url, { method: "POST", headers: { "stripe-signature": signature }, body });
      expect(response.status).toBe(400);
      const unsigned = await fetch(url, { method: "POST", body });
      expect(unsigned.status).toBe(400);
      const rows = await campus.databases.commerce.query(
        `SELECT 1 FROM "commerce"."ProviderEvent" WHERE "id" = 'evt_forged'`,
      );
      expect(rows).toHaveLength(0);
    });
  },
);
