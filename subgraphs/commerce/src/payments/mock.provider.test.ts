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
