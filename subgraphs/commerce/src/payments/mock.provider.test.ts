import http from "node:http";
import type { AddressInfo } from "node:net";
import { MemoryStore } from "@campus/kv";
import { createLogger } from "@campus/logging";
import { MockPaymentProvider } from "./mock.provider";

/**
 * The mock provider keeps Stripe's promise that one idempotency key is one
 * PaymentIntent and at most one charge, also when the process dies between
 * claiming the key and writing the intent down (the saga's SIGKILL test found
 * a charge missing from the ledger that way).
 */
describe("the mock payment provider", () => {
  let webhooks: http.Server;
  let store: MemoryStore;
  let provider: MockPaymentProvider;
  beforeAll(async () => {
    webhooks = http.createServer((_req, res) => res.end("{}"));
    await new Promise<void>((resolve) => webhooks.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => new Promise((resolve) => webhooks.close(resolve)));
  const mockOn = (ledger: MemoryStore) =>
    new MockPaymentProvider({
      store: ledger,
      webhookSecret: "whsec_mock_provider_test_0123456789",
      webhookUrl: () => `http://127.0.0.1:${(webhooks.address() as AddressInfo).port}/webhooks/stripe`,
      logger: createLogger("mock-provider-test", "silent"),
    });
  beforeEach(() => {
    store = new MemoryStore();
    provider = mockOn(store);
  });
  afterEach(() => provider.close());

  const pay = (idempotencyKey: string, paymentMethod = "pm_card_visa", on = provider) =>
    on.createPayment({
      amount: 4900,
      currency: "EUR",
      paymentMethod,
      idempotencyKey,
      metadata: { paymentId: "p1", orderId: "o1" },
    });

  it("answers a repeated key with the first PaymentIntent and charges once", async () => {
    const first = await pay("key-1");
    const again = await pay("key-1");
    expect(again).toEqual(first);
    expect(first.status).toBe("SUCCEEDED");
    expect(await provider.charges()).toEqual([first.id]);
  });

  it("charges nothing for a declined card", async () => {
    const declined = await pay("key-2", "pm_card_chargeDeclined");
    expect(declined).toMatchObject({ status: "FAILED", failureCode: "generic_decline" });
    expect(await provider.charges()).toEqual([]);
  });

  it("writes down a charge whose first request died after claiming the key", async () => {
    const first = await pay("key-3");
    // what a process killed between the claim and the record leaves behind: the claim alone
    const ledger = new MemoryStore();
    await ledger.set(
      "commerce:mock-provider:idem:key-3",
      (await store.get("commerce:mock-provider:idem:key-3"))!,
      60_000,
    );
    const restarted = mockOn(ledger);
    try {
      expect(await restarted.charges()).toEqual([]);
      expect(await pay("key-3", "pm_card_visa", restarted)).toMatchObject({ id: first.id, status: "SUCCEEDED" });
      expect(await restarted.charges()).toEqual([first.id]);
      expect(await restarted.retrievePayment(first.id)).toMatchObject({ status: "SUCCEEDED" });
    } finally {
      await restarted.close();
    }
  });

  it("saves a customer once per key and charges it off-session; a customer it does not know is refused", async () => {
    const save = () =>
      provider.saveCustomer({ paymentMethod: "pm_card_visa", idempotencyKey: "customer-key-1", metadata: {} });
    const customer = await save();
    expect(customer.id).toMatch(/^cus_mock_/);
    expect(await save()).toEqual(customer);
    const charge = (customerId: string | undefined, paymentMethod = "pm_card_visa", idempotencyKey = "off-1") =>
      provider.createPayment({
        amount: 4900,
        currency: "EUR",
        paymentMethod,
        customer: customerId,
        offSession: true,
        idempotencyKey,
        metadata: { invoicePaymentId: "i1" },
      });
    expect(await charge(customer.id)).toMatchObject({ status: "SUCCEEDED" });
    await expect(charge("cus_mock_unknown", "pm_card_visa", "off-2")).rejects.toMatchObject({
      code: "resource_missing",
    });
    await expect(charge(undefined, "pm_card_visa", "off-3")).rejects.toMatchObject({ code: "parameter_missing" });
    await expect(
      provider.saveCustomer({ paymentMethod: "pm_card_nonsense", idempotencyKey: "customer-key-2", metadata: {} }),
    ).rejects.toMatchObject({ code: "resource_missing" });
  });

  it("saves pm_card_chargeCustomerFail without complaint and declines every charge of it", async () => {
    const customer = await provider.saveCustomer({
      paymentMethod: "pm_card_chargeCustomerFail",
      idempotencyKey: "customer-key-3",
      metadata: {},
    });
    const payment = await provider.createPayment({
      amount: 4900,
      currency: "EUR",
      paymentMethod: "pm_card_chargeCustomerFail",
      customer: customer.id,
      offSession: true,
      idempotencyKey: "off-4",
      metadata: {},
    });
    expect(payment).toMatchObject({ status: "FAILED", failureCode: "card_declined" });
    expect(await provider.charges()).toEqual([]);
  });

  it("answers a repeated refund key with the first refund", async () => {
    const payment = await pay("key-4");
    const refund = {
      paymentId: payment.id,
      amount: 4900,
      idempotencyKey: "refund-key-4",
      metadata: { refundId: "r1" },
    };
    const first = await provider.refund(refund);
    expect(await provider.refund(refund)).toEqual(first);
  });
});
