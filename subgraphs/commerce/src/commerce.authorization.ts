import {
  ADMIN_ONLY,
  EVERYONE,
  LEARNER_ONLY,
  LEARNER_OR_ADMIN,
  OWNER_OR_ADMIN,
  SIGNED_IN,
  expectThat,
  operation,
  unique,
  type Role,
  type MatrixHelpers,
  type SubgraphAuthorization,
} from "@campus/testkit";

/**
 * What every role must get from commerce's root fields, called through the
 * router by tests/e2e/authorization-matrix.test.ts. Operations of
 * schema/operations/commerce.graphql are used as written there.
 */

const PRICE = { amount: 1900, currency: "USD" };

/** A new paid course in `role`'s cart (a guest cart for anonymous): its item and the guest's token. */
async function inCart(role: Role, h: MatrixHelpers) {
  const course = await h.course({ modules: 1, publish: true, price: PRICE });
  const { addToCart } = await h.call(role, operation("commerce", "AddToCart"), { courseId: course.id });
  return { courseId: course.id, itemId: addToCart.items.at(-1).id as string, token: addToCart.token as string | null };
}

const newKey = () => unique("matrix-checkout").replace(/\s/g, "-");

const planInput = () => ({
  name: unique("Matrix Plan"),
  description: "For the authorization matrix",
  interval: "MONTH",
  price: PRICE,
});

/** One plan per Campus under test (the fixtures object is per boot). */
const plans = new WeakMap<object, Promise<string>>();
function matrixPlan(h: MatrixHelpers): Promise<string> {
  let plan = plans.get(h.f);
  if (!plan) {
    plan = h
      .call("admin", operation("commerce", "CreatePlan"), { input: planInput() })
      .then((data) => data.createPlan.id as string);
    plans.set(h.f, plan);
  }
  return plan;
}

/** The learner fixture's live subscription, subscribing it first if it has none. */
async function learnerSubscription(h: MatrixHelpers): Promise<string> {
  const { subscription } = await h.call("learner", operation("commerce", "MySubscription"));
  if (subscription && subscription.status !== "CANCELED") return subscription.id;
  const input = { planId: await matrixPlan(h), paymentMethod: "pm_card_visa", idempotencyKey: newKey() };
  return (await h.call("learner", operation("commerce", "Subscribe"), { input })).subscribe.id;
}

export const authorization: SubgraphAuthorization = {
  roots: {
    // guests shop too: a guest without a token has no cart yet
    "Query.cart": {
      allowed: EVERYONE,
      query: operation("commerce", "Cart"),
      check: (data, role) => expectThat(role === "anonymous" ? data.cart === null : data.cart?.token === null, "cart"),
    },
    "Mutation.addToCart": {
      allowed: EVERYONE,
      query: operation("commerce", "AddToCart"),
      prepare: async (_role, h) => ({
        variables: { courseId: (await h.course({ modules: 1, publish: true, price: PRICE })).id },
      }),
      check: (data, role, call) =>
        expectThat(
          data.addToCart.items.some((item: any) => item.course.id === call.variables!.courseId) &&
            (role === "anonymous") === (data.addToCart.token !== null),
          "not added",
        ),
    },
    "Mutation.removeFromCart": {
      allowed: EVERYONE,
      query: operation("commerce", "RemoveFromCart"),
      prepare: async (role, h) => {
        const { itemId, token } = await inCart(role, h);
        return { variables: { itemId, cartToken: token } };
      },
      check: (data, _role, call) =>
        expectThat(!data.removeFromCart.items.some((item: any) => item.id === call.variables!.itemId), "not removed"),
    },
    "Mutation.mergeCart": {
      allowed: SIGNED_IN,
      query: operation("commerce", "MergeCart"),
      prepare: async (_role, h) => ({ variables: { cartToken: (await inCart("anonymous", h)).token } }),
      check: (data) => expectThat(data.mergeCart.items.length > 0, "nothing merged"),
    },
    "Mutation.checkout": {
      allowed: SIGNED_IN,
      query: operation("commerce", "Checkout"),
      prepare: async (role, h) => {
        await inCart(role, h);
        return { variables: { input: { idempotencyKey: newKey(), paymentMethod: "pm_card_visa" } } };
      },
      check: (data) => expectThat(/^CAM-/.test(data.checkout.order.number), "no order"),
    },
    // the buyer's own, or any for admins; anyone else gets NOT_FOUND
    "Query.order": {
      allowed: LEARNER_OR_ADMIN,
      refusedAs: "NOT_FOUND",
      query: operation("commerce", "Order"),
      prepare: async (_role, h) => ({ variables: { id: (await h.paidOrder()).orderId } }),
      check: (data, _role, call) => expectThat(data.order.id === call.variables!.id, "order not returned"),
    },
    "Query.orders": {
      allowed: SIGNED_IN,
      query: operation("commerce", "Orders"),
      prepare: async () => ({ variables: { first: 5 } }),
      check: (data) => expectThat(typeof data.orders.totalCount === "number", "orders"),
    },
    "Query.adminOrders": {
      allowed: ADMIN_ONLY,
      query: `query($first: Int) { adminOrders(first: $first) { totalCount edges { node { id buyer { id } } } } }`,
      prepare: async () => ({ variables: { first: 5 } }),
      check: (data) => expectThat(data.adminOrders.totalCount > 0, "admins see every order"),
    },
    // the buyer within the refund policy, admins any time
    "Mutation.requestRefund": {
      allowed: LEARNER_OR_ADMIN,
      refusedAs: "NOT_FOUND",
      query: operation("commerce", "RequestRefund"),
      prepare: async (_role, h) => ({ variables: { orderId: (await h.paidOrder()).orderId } }),
      check: (data) => expectThat(data.requestRefund.refunds.length === 1, "no refund"),
    },
    "Query.plans": {
      allowed: EVERYONE,
      query: operation("commerce", "Plans"),
      prepare: async (_role, h) => (await matrixPlan(h), {}),
      check: (data) => expectThat(data.plans.length > 0, "no plans"),
    },
    "Mutation.createPlan": {
      allowed: ADMIN_ONLY,
      query: operation("commerce", "CreatePlan"),
      prepare: async () => ({ variables: { input: planInput() } }),
      check: (data) => expectThat(data.createPlan.active === true, "plan not created"),
    },
    // a new account per call: a user has one live subscription
    "Mutation.subscribe": {
      allowed: SIGNED_IN,
      query: operation("commerce", "Subscribe"),
      prepare: async (role, h) => ({
        as: await h.freshUser(role),
        variables: { input: { planId: await matrixPlan(h), paymentMethod: "pm_card_visa", idempotencyKey: newKey() } },
      }),
      check: (data) => expectThat(data.subscribe.status === "ACTIVE", "not subscribed"),
    },
    // the owner only; anyone else (admins too) gets NOT_FOUND
    "Mutation.cancelSubscription": {
      allowed: LEARNER_ONLY,
      refusedAs: "NOT_FOUND",
      query: operation("commerce", "CancelSubscription"),
      prepare: async (_role, h) => ({ variables: { id: await learnerSubscription(h) } }),
      check: (data) => expectThat(data.cancelSubscription.cancelAtPeriodEnd === true, "not canceled"),
    },
    "Query.subscription": {
      allowed: SIGNED_IN,
      query: operation("commerce", "MySubscription"),
      check: (data) =>
        expectThat(data.subscription === null || typeof data.subscription.id === "string", "subscription"),
    },
    "Query.invoices": {
      allowed: SIGNED_IN,
      query: operation("commerce", "Invoices"),
      prepare: async () => ({ variables: { first: 5 } }),
      check: (data) => expectThat(typeof data.invoices.totalCount === "number", "invoices"),
    },
  },
  resources: {
    "User.orders (the instructor's)": {
      allowed: OWNER_OR_ADMIN,
      query: `query($id: ID!) { course(id: $id) { id instructor { id orders(first: 5) { totalCount } } } }`,
      prepare: async (_role, h) => ({ variables: { id: h.f.published.id } }),
      check: (data) => expectThat(typeof data.course.instructor.orders.totalCount === "number", "orders"),
    },
  },
};
