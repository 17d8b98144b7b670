import { randomUUID } from "node:crypto";
import { admin, FakeCatalog, learner } from "@campus/catalog-client/src/fake-catalog";
import { purchaseFulfilled } from "@campus/events";
import { startSubgraph, type SubgraphHarness } from "@campus/testkit";
import { subgraph, type CommerceServices } from "./index";

/**
 * Commerce on its own, over HTTP as the router calls it, with a fake catalog
 * and enrollment's side of the saga played by publishing its event: the
 * cart's refusals, checkout to PAID through the mock provider's signed
 * webhook, fulfilment, the entity fields, and the errors a broken neighbour
 * or a missing proof give.
 */

const ADD = `mutation($c: ID!) { addToCart(courseId: $c) { items { id course { id } } subtotal { amount currency } } }`;
const CHECKOUT = `mutation($k: String!, $p: String!) { checkout(input: { idempotencyKey: $k, paymentMethod: $p }) { order { id number status } payment { status provider } } }`;
const ORDER = `query($id: ID!) { order(id: $id) { id status timeline { kind } } }`;
const USER_ORDERS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id orders(first: 5) { totalCount } } } }`;
const PURCHASED = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Course { id viewerHasPurchased } } }`;

describe("commerce subgraph over HTTP", () => {
  let harness: SubgraphHarness<CommerceServices>;
  let catalog: FakeCatalog;
  beforeAll(async () => {
    catalog = await FakeCatalog.start();
    harness = await startSubgraph(subgraph, { neighbours: { catalog }, env: { PAYMENT_PROVIDER: "mock" } });
  });
  afterAll(async () => {
    await harness?.stop();
    await catalog?.stop();
  });

  const paidCourse = () => catalog.add({ price: { amount: 2900, currency: "EUR" } });

  async function waitForStatus(viewer: ReturnType<typeof learner>, orderId: string, status: string) {
    for (let waited = 0; waited < 10_000; waited += 25) {
      const result = await harness.gql(viewer, ORDER, { id: orderId });
      if (result.data?.order?.status === status) return result.data.order;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`order ${orderId} did not reach ${status}`);
  }

  it("refuses what cannot be bought, each with its code and reason", async () => {
    const viewer = learner();
    const cases: [string, string, string | undefined][] = [
      [catalog.add().id, "BAD_USER_INPUT", "FREE_COURSE"],
      [randomUUID(), "NOT_FOUND", undefined],
      [catalog.add({ status: "DRAFT", price: { amount: 100, currency: "EUR" } }).id, "NOT_FOUND", undefined],
    ];
    for (const [courseId, code, reason] of cases) {
      const result = await harness.gql(viewer, ADD, { c: courseId });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code, ...(reason ? { reason } : {}) });
    }
    const course = paidCourse();
    expect((await harness.gql(viewer, ADD, { c: course.id })).errors).toBeUndefined();
    const again = await harness.gql(viewer, ADD, { c: course.id });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", reason: "ALREADY_IN_CART" });
  });

  it("checks out to PAID through the provider's webhook, and to FULFILLED on enrollment's event", async () => {
    const viewer = learner();
    const course = paidCourse();
    await harness.gql(viewer, ADD, { c: course.id });
    const placed = await harness.gql(viewer, CHECKOUT, { k: `harness-${randomUUID()}`, p: "pm_card_visa" });
    expect(placed.errors).toBeUndefined();
    expect(placed.data.checkout.payment.provider).toBe("mock");
    const orderId = placed.data.checkout.order.id as string;
    expect(placed.data.checkout.order.number).toMatch(/^CAM-\d{4}-\d{6}$/);
    await waitForStatus(viewer, orderId, "PAID");

    const [item] = await harness.db.query<{ id: string }>(
      `SELECT "id"::text AS id FROM "commerce"."OrderItem" WHERE "orderId" = $1::uuid`,
      [orderId],
    );
    await harness.publish([
      {
        topic: purchaseFulfilled.topic,
        event: purchaseFulfilled.create("/campus/enrollment", orderId, {
          orderId,
          userId: viewer.userId!,
          granted: [{ orderItemId: item!.id, courseId: course.id, enrollmentId: randomUUID() }],
          refused: [],
        }),
      },
    ]);
    const fulfilled = await waitForStatus(viewer, orderId, "FULFILLED");
    expect(fulfilled.timeline.map((entry: { kind: string }) => entry.kind)).toEqual(["PLACED", "PAID", "FULFILLED"]);

    const r = [{ __typename: "Course", id: course.id }];
    expect((await harness.gql(viewer, PURCHASED, { r })).data?._entities).toEqual([
      { id: course.id, viewerHasPurchased: true },
    ]);
    expect((await harness.gql(learner(), PURCHASED, { r })).data?._entities).toEqual([
      { id: course.id, viewerHasPurchased: false },
    ]);
  });

  it("shows a user's orders to that user and admins; someone else's order is NOT_FOUND", async () => {
    const viewer = learner();
    const course = paidCourse();
    await harness.gql(viewer, ADD, { c: course.id });
    const placed = await harness.gql(viewer, CHECKOUT, { k: `harness-${randomUUID()}`, p: "pm_card_chargeDeclined" });
    const orderId = placed.data.checkout.order.id as string;
    await waitForStatus(viewer, orderId, "PAYMENT_FAILED");

    const r = [{ __typename: "User", id: viewer.userId }];
    expect((await harness.gql(viewer, USER_ORDERS, { r })).data?._entities).toEqual([
      { id: viewer.userId, orders: { totalCount: 1 } },
    ]);
    expect((await harness.gql(admin(), USER_ORDERS, { r })).data?._entities).toEqual([
      { id: viewer.userId, orders: { totalCount: 1 } },
    ]);
    expect((await harness.gql(learner(), USER_ORDERS, { r })).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await harness.gql(learner(), ORDER, { id: orderId })).errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });

  it("answers SERVICE_UNAVAILABLE, not INTERNAL, while catalog cannot be reached, and changes nothing", async () => {
    const viewer = learner();
    const course = paidCourse();
    harness.setNeighbour("catalog", "http://127.0.0.1:1/graphql");
    try {
      const result = await harness.gql(viewer, ADD, { c: course.id });
      expect(result.errors?.[0]?.extensions?.code).toBe("SERVICE_UNAVAILABLE");
      expect(result.errors?.[0]?.message).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|fetch/);
    } finally {
      harness.setNeighbour("catalog", catalog.url);
    }
    const cart = await harness.gql(viewer, `{ cart { items { id } } }`);
    expect(cart.data?.cart?.items ?? []).toEqual([]);
  });

  it("refuses a webhook with a bad signature with 400, and any GraphQL request without the router's proof", async () => {
    const webhook = await fetch(harness.url.replace(/\/graphql$/, "/webhooks/stripe"), {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": "t=1,v1=forged" },
      body: JSON.stringify({ id: "evt_forged", type: "payment_intent.succeeded", data: { object: {} } }),
    });
    expect(webhook.status).toBe(400);
    const unsigned = await fetch(harness.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ _service { sdl } }" }),
    });
    expect(unsigned.status).toBe(401);
  });
});
