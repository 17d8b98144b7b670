import { randomUUID } from "node:crypto";
import { admin, FakeCatalog, learner } from "@campus/catalog-client/src/fake-catalog";
import { startSubgraph, type SubgraphHarness } from "@campus/testkit";
import type { MockPaymentProvider } from "../payments/mock.provider";
import { subgraph, type CommerceServices } from "../index";

/**
 * Billing on commerce alone (PGlite, the mock provider): a lost provider
 * answer never charges twice, sweeps running at once renew each subscription
 * once, and the injected clock decides periods.
 */

const CREATE_PLAN = `mutation($input: CreatePlanInput!) { createPlan(input: $input) { id } }`;
const SUBSCRIBE = `mutation($input: SubscribeInput!) { subscribe(input: $input) { id status currentPeriodStart currentPeriodEnd latestInvoice { number status total { amount } } } }`;
const MINE = `query { subscription { id status currentPeriodEnd } }`;

describe("subscription billing (commerce subgraph)", () => {
  let harness: SubgraphHarness<CommerceServices>;
  let catalog: FakeCatalog;
  let planId: string;
  beforeAll(async () => {
    catalog = await FakeCatalog.start();
    harness = await startSubgraph(subgraph, {
      neighbours: { catalog },
      env: { PAYMENT_PROVIDER: "mock", BILLING_INTERVAL_MS: "36000000", PAYMENT_STALE_AFTER_MS: "1000" },
    });
    const created = await harness.gql(admin(), CREATE_PLAN, {
      input: { name: "Billing Plan", description: "", interval: "MONTH", price: { amount: 1000, currency: "EUR" } },
    });
    expect(created.errors).toBeUndefined();
    planId = created.data.createPlan.id;
  });
  afterAll(async () => {
    await harness?.stop();
    await catalog?.stop();
  });
  afterEach(() => {
    harness.services.clock.now = () => new Date();
  });

  const provider = () => harness.services.provider as MockPaymentProvider;
  const subscribe = (viewer: ReturnType<typeof learner>, paymentMethod: string, idempotencyKey = randomUUID()) =>
    harness.gql(viewer, SUBSCRIBE, { input: { planId, paymentMethod, idempotencyKey } });

  it("a lost answer is SERVICE_UNAVAILABLE; the same key then finds the one charge that was made", async () => {
    const viewer = learner();
    const key = randomUUID();
    const before = (await provider().charges()).length;
    const lost = await subscribe(viewer, "pm_card_visa_campusTimeout", key);
    expect(lost.errors?.[0]?.extensions?.code).toBe("SERVICE_UNAVAILABLE");
    expect((await harness.gql(viewer, MINE)).data.subscription).toBeNull();
    const retried = await subscribe(viewer, "pm_card_visa_campusTimeout", key);
    expect(retried.errors).toBeUndefined();
    expect(retried.data.subscribe).toMatchObject({ status: "ACTIVE", latestInvoice: { status: "PAID" } });
    expect((await provider().charges()).length).toBe(before + 1);
  });

  it("the renewal job finishes a first charge whose answer never came", async () => {
    const viewer = learner();
    expect((await subscribe(viewer, "pm_card_visa_campusTimeout")).errors?.[0]?.extensions?.code).toBe(
      "SERVICE_UNAVAILABLE",
    );
    await harness.services.renewals.sweep(new Date(Date.now() + 5000));
    expect((await harness.gql(viewer, MINE)).data.subscription).toMatchObject({ status: "ACTIVE" });
  });

  it("sweeps running at once renew each due subscription once", async () => {
    const viewers = [learner(), learner(), learner()];
    const subs = [];
    for (const viewer of viewers) subs.push((await subscribe(viewer, "pm_card_visa")).data.subscribe);
    const at = new Date(Math.max(...subs.map((sub) => Date.parse(sub.currentPeriodEnd))) + 1000);
    const [one, two] = await Promise.all([harness.services.renewals.sweep(at), harness.services.renewals.sweep(at)]);
    for (const sub of subs) expect([...one, ...two]).toContain(sub.id);
    // per subscription: the first invoice and one renewal, each paid by one successful charge
    const rows = await harness.db.query<{ invoices: number; paid: number; charges: string[] }>(
      `SELECT count(DISTINCT i.id)::int AS invoices, count(p.id)::int AS paid, array_agg(p."providerPaymentId") AS charges
         FROM "commerce"."Invoice" i JOIN "commerce"."InvoicePayment" p ON p."invoiceId" = i.id AND p.status = 'SUCCEEDED'
        WHERE i."subscriptionId" = ANY($1::uuid[]) GROUP BY i."subscriptionId"`,
      [subs.map((sub) => sub.id)],
    );
    expect(rows.map((row) => [row.invoices, row.paid])).toEqual([
      [2, 2],
      [2, 2],
      [2, 2],
    ]);
    const charged = new Set(await provider().charges());
    for (const row of rows) for (const charge of row.charges) expect(charged.has(charge)).toBe(true);
  });

  it("takes the time from the injected clock: Jan 31 renews on Feb 28, then Mar 31", async () => {
    harness.services.clock.now = () => new Date("2027-01-31T09:00:00.000Z");
    const viewer = learner();
    const sub = (await subscribe(viewer, "pm_card_visa")).data.subscribe;
    expect(sub).toMatchObject({
      currentPeriodStart: "2027-01-31T09:00:00.000Z",
      currentPeriodEnd: "2027-02-28T09:00:00.000Z",
    });
    expect(sub.latestInvoice.number).toMatch(/^INV-2027-\d{6}$/);
    await harness.services.renewals.sweep(new Date("2027-02-28T09:00:01.000Z"));
    expect((await harness.gql(viewer, MINE)).data.subscription).toMatchObject({
      status: "ACTIVE",
      currentPeriodEnd: "2027-03-31T09:00:00.000Z",
    });
  });
});
