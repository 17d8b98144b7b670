import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { randomUUID } from "node:crypto";
import Stripe from "stripe";
import { ProviderRequestError, ProviderUnavailableError } from "./payment-provider";
import { readStripeWebhook, signedStripeEvent, WebhookSignatureError } from "./stripe.objects";
import { StripePaymentProvider, type StripePaymentProviderOptions } from "./stripe.provider";

/** Stripe's answers, recorded in its exact shape (test mode, API objects as the SDK's types describe them). */
function fixture(name: string): any {
  return JSON.parse(readFileSync(path.join(__dirname, "fixtures", `${name}.json`), "utf8"));
}
const SUCCEEDED = fixture("payment_intent.succeeded");
const DECLINED = fixture("payment_intent.card_declined");
const CANCELED = fixture("payment_intent.canceled");
const REFUND = fixture("refund.succeeded");
const CUSTOMER = fixture("customer.created");
const ATTACHED = fixture("payment_method.attached");

const KEY = "sk_test_51QyMzQLkdIwHu7ixStubStubStubStub";

interface RecordedRequest {
  method: string;
  path: string;
  body: Record<string, string>;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
}
type Answer = { status: number; body: unknown } | "hang";

/**
 * Answers Stripe's API paths with the recorded fixtures, the way Stripe would
 * for this key, and records what the adapter sent. answerNext() scripts the
 * next answers (errors, or never answering).
 */
class StripeStub {
  readonly requests: RecordedRequest[] = [];
  private readonly script: Answer[] = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<StripeStub> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const stub = new StripeStub(server, (server.address() as AddressInfo).port);
    server.on("request", (req, res) => void stub.handle(req, res));
    return stub;
  }

  answerNext(...answers: Answer[]): void {
    this.script.push(...answers);
  }

  reset(): void {
    this.requests.length = 0;
    this.script.length = 0;
  }

  provider(options: Partial<StripePaymentProviderOptions> = {}): StripePaymentProvider {
    // No retries unless a test asks: a retried 500 would otherwise sleep and double the requests.
    return new StripePaymentProvider({
      secretKey: KEY,
      host: "127.0.0.1",
      port: this.port,
      protocol: "http",
      maxNetworkRetries: 0,
      ...options,
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const recorded: RecordedRequest = {
      method: req.method ?? "",
      path: req.url ?? "",
      body: Object.fromEntries(new URLSearchParams(raw)),
      idempotencyKey: req.headers["idempotency-key"] as string | undefined,
      authorization: req.headers.authorization,
    };
    this.requests.push(recorded);
    const answer = this.script.shift() ?? this.route(recorded);
    if (answer === "hang") return;
    res.writeHead(answer.status, { "content-type": "application/json", "request-id": `req_${randomUUID()}` });
    res.end(JSON.stringify(answer.body));
  }

  private route({ method, path: url, body, authorization }: RecordedRequest): { status: number; body: unknown } {
    if (authorization !== `Bearer ${KEY}`) return { status: 401, body: fixture("error.authentication") };
    const missing = { status: 404, body: fixture("error.resource_missing") };
    if (method === "POST" && url === "/v1/payment_intents") {
      return body.payment_method === "pm_card_chargeDeclined"
        ? { status: 402, body: DECLINED }
        : { status: 200, body: SUCCEEDED };
    }
    const intent = /^\/v1\/payment_intents\/([^/]+)(\/cancel)?$/.exec(url);
    if (intent && method === "GET") {
      const known = [SUCCEEDED, CANCELED].find((candidate) => candidate.id === intent[1]);
      return known ? { status: 200, body: known } : missing;
    }
    if (intent?.[2] && method === "POST") return intent[1] === CANCELED.id ? { status: 200, body: CANCELED } : missing;
    if (method === "POST" && url === "/v1/refunds") return { status: 200, body: REFUND };
    if (method === "POST" && url === "/v1/customers") return { status: 200, body: CUSTOMER };
    const attach = /^\/v1\/payment_methods\/([^/]+)\/attach$/.exec(url);
    if (attach && method === "POST") {
      return attach[1] === "pm_card_nonsense"
        ? missing
        : { status: 200, body: { ...ATTACHED, customer: body.customer } };
    }
    return missing;
  }
}

describe("StripePaymentProvider on recorded Stripe responses", () => {
  let stub: StripeStub;
  beforeAll(async () => {
    stub = await StripeStub.start();
  });
  afterEach(() => stub.reset());
  afterAll(() => stub.stop());

  const paymentMetadata = {
    orderId: "0e5c2f0a-8d1b-4f3e-9a57-2b6c1d4e8f90",
    paymentId: "7b9e4c21-3a5d-4e8f-b1c2-6d0f9a8e7c54",
  };

  it("creates and confirms a card payment: SUCCEEDED with its client secret", async () => {
    const idempotencyKey = randomUUID();
    const payment = await stub.provider().createPayment({
      amount: 4900,
      currency: "USD",
      paymentMethod: "pm_card_visa",
      idempotencyKey,
      metadata: paymentMetadata,
    });
    expect(payment).toEqual({
      id: "pi_3QyN2bLkdIwHu7ix0Wq5cT8r",
      status: "SUCCEEDED",
      amount: 4900,
      currency: "usd",
      clientSecret: "pi_3QyN2bLkdIwHu7ix0Wq5cT8r_secret_zV1q7RcM0pXgYH3nKd2sTfB9a",
      failureCode: null,
      metadata: paymentMetadata,
    });
    expect(stub.requests).toEqual([
      {
        method: "POST",
        path: "/v1/payment_intents",
        body: {
          amount: "4900",
          currency: "usd",
          payment_method: "pm_card_visa",
          confirm: "true",
          "automatic_payment_methods[enabled]": "true",
          "automatic_payment_methods[allow_redirects]": "never",
          "metadata[orderId]": paymentMetadata.orderId,
          "metadata[paymentId]": paymentMetadata.paymentId,
        },
        idempotencyKey,
        authorization: `Bearer ${KEY}`,
      },
    ]);
  });

  it("saves a payment method on a new customer and answers the attached method's own id", async () => {
    const idempotencyKey = randomUUID();
    const customer = await stub.provider().saveCustomer({
      paymentMethod: "pm_card_visa",
      idempotencyKey,
      metadata: { userId: "4b1c9e2a-6d3f-4a8b-9c7e-1f2a3b4c5d6e" },
    });
    expect(customer).toEqual({ id: "cus_RsN4xQ2bLkdIwH", paymentMethod: "pm_1QyN2bLkdIwHu7ixVisa4242" });
    expect(stub.requests).toEqual([
      {
        method: "POST",
        path: "/v1/customers",
        body: { "metadata[userId]": "4b1c9e2a-6d3f-4a8b-9c7e-1f2a3b4c5d6e" },
        idempotencyKey: `${idempotencyKey}-customer`,
        authorization: `Bearer ${KEY}`,
      },
      {
        method: "POST",
        path: "/v1/payment_methods/pm_card_visa/attach",
        body: { customer: "cus_RsN4xQ2bLkdIwH" },
        idempotencyKey: `${idempotencyKey}-attach`,
        authorization: `Bearer ${KEY}`,
      },
    ]);
  });

  it("refuses to save a payment method Stripe does not know (resource_missing)", async () => {
    await expect(
      stub.provider().saveCustomer({ paymentMethod: "pm_card_nonsense", idempotencyKey: randomUUID(), metadata: {} }),
    ).rejects.toMatchObject({ name: "ProviderRequestError", code: "resource_missing" });
  });

  it("charges a saved payment method off-session: customer and off_session sent", async () => {
    const payment = await stub.provider().createPayment({
      amount: 4900,
      currency: "USD",
      paymentMethod: "pm_1QyN2bLkdIwHu7ixVisa4242",
      customer: "cus_RsN4xQ2bLkdIwH",
      offSession: true,
      idempotencyKey: randomUUID(),
      metadata: { invoicePaymentId: "9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f" },
    });
    expect(payment.status).toBe("SUCCEEDED");
    expect(stub.requests[0]!.body).toMatchObject({
      customer: "cus_RsN4xQ2bLkdIwH",
      off_session: "true",
      confirm: "true",
      "metadata[invoicePaymentId]": "9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f",
    });
  });

  it("returns a declined card as a FAILED payment with the decline code, not an exception", async () => {
    const payment = await stub.provider().createPayment({
      amount: 4900,
      currency: "usd",
      paymentMethod: "pm_card_chargeDeclined",
      idempotencyKey: randomUUID(),
      metadata: { orderId: "5d2a9c7e-1f4b-4a63-8e0d-9c3b7a1f2e46", paymentId: "c4f81e2d-6b0a-4d97-a3e5-8f1c2b9d0a73" },
    });
    expect(payment).toEqual({
      id: "pi_3QyN3fLkdIwHu7ix1mE0hW6c",
      status: "FAILED",
      amount: 4900,
      currency: "usd",
      clientSecret: "pi_3QyN3fLkdIwHu7ix1mE0hW6c_secret_Qd8uLw2Zb5nXo1TgKc7yRj4Ve",
      failureCode: "generic_decline",
      metadata: { orderId: "5d2a9c7e-1f4b-4a63-8e0d-9c3b7a1f2e46", paymentId: "c4f81e2d-6b0a-4d97-a3e5-8f1c2b9d0a73" },
    });
    expect(stub.requests.map((r) => r.body.payment_method)).toEqual(["pm_card_chargeDeclined"]);
  });

  it("refuses a card error that carries no intent, keeping the decline code", async () => {
    // Nothing on Stripe's side to retrieve or cancel later, so no ProviderPayment to return.
    const { payment_intent: _intent, ...withoutIntent } = DECLINED.error;
    stub.answerNext({ status: 402, body: { error: withoutIntent } });
    const failure = await stub
      .provider()
      .createPayment({
        amount: 4900,
        currency: "usd",
        paymentMethod: "pm_card_chargeDeclined",
        idempotencyKey: randomUUID(),
        metadata: paymentMetadata,
      })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProviderRequestError);
    expect((failure as ProviderRequestError).code).toBe("generic_decline");
    expect((failure as Error).message).toBe("Your card was declined.");
  });

  it("retrieves a payment by id", async () => {
    const payment = await stub.provider().retrievePayment("pi_3QyN2bLkdIwHu7ix0Wq5cT8r");
    expect(payment).toMatchObject({ id: "pi_3QyN2bLkdIwHu7ix0Wq5cT8r", status: "SUCCEEDED", amount: 4900 });
    expect(stub.requests).toMatchObject([{ method: "GET", path: "/v1/payment_intents/pi_3QyN2bLkdIwHu7ix0Wq5cT8r" }]);
  });

  it("cancels a payment: CANCELED, no failure code", async () => {
    const payment = await stub.provider().cancelPayment("pi_3QyN3fLkdIwHu7ix1mE0hW6c");
    expect(payment).toMatchObject({ id: "pi_3QyN3fLkdIwHu7ix1mE0hW6c", status: "CANCELED", failureCode: null });
    expect(stub.requests).toMatchObject([
      { method: "POST", path: "/v1/payment_intents/pi_3QyN3fLkdIwHu7ix1mE0hW6c/cancel" },
    ]);
  });

  it("refunds a payment with its idempotency key and Campus's ids", async () => {
    const idempotencyKey = randomUUID();
    const metadata = {
      orderId: "0e5c2f0a-8d1b-4f3e-9a57-2b6c1d4e8f90",
      refundId: "e2a7d9c4-0b3f-4c81-9e6a-5f2d1b8c7a30",
    };
    const refund = await stub
      .provider()
      .refund({ paymentId: "pi_3QyN2bLkdIwHu7ix0Wq5cT8r", amount: 4900, idempotencyKey, metadata });
    expect(refund).toEqual({
      id: "re_3QyN2bLkdIwHu7ix0Jt4Ua7m",
      paymentId: "pi_3QyN2bLkdIwHu7ix0Wq5cT8r",
      status: "SUCCEEDED",
      amount: 4900,
      metadata,
    });
    expect(stub.requests).toEqual([
      {
        method: "POST",
        path: "/v1/refunds",
        body: {
          payment_intent: "pi_3QyN2bLkdIwHu7ix0Wq5cT8r",
          amount: "4900",
          "metadata[orderId]": metadata.orderId,
          "metadata[refundId]": metadata.refundId,
        },
        idempotencyKey,
        authorization: `Bearer ${KEY}`,
      },
    ]);
  });

  it("reports a 500 as unavailable", async () => {
    stub.answerNext({ status: 500, body: fixture("error.api_error") });
    const failure = await stub
      .provider()
      .retrievePayment("pi_3QyN2bLkdIwHu7ix0Wq5cT8r")
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProviderUnavailableError);
    expect((failure as Error).message).toBe("An unknown error occurred");
    expect(stub.requests).toHaveLength(1);
  });

  it("reports a rate limit as unavailable", async () => {
    stub.answerNext({ status: 429, body: fixture("error.rate_limit") });
    await expect(stub.provider().retrievePayment("pi_3QyN2bLkdIwHu7ix0Wq5cT8r")).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
  });

  it("reports a request still in flight under the same idempotency key (409) as unavailable", async () => {
    // The first attempt's outcome is not known yet: asking again later with the key is the answer.
    stub.answerNext({ status: 409, body: fixture("error.idempotency_key_in_use") });
    const failure = await stub
      .provider()
      .createPayment({
        amount: 4900,
        currency: "usd",
        paymentMethod: "pm_card_visa",
        idempotencyKey: "3f6a1c2e-9b7d-4e05-8a41-d2c9f0b7e168",
        metadata: paymentMetadata,
      })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProviderUnavailableError);
    expect(stub.requests).toHaveLength(1);
  });

  it("reports a Stripe that never answers as unavailable after the timeout", async () => {
    stub.answerNext("hang");
    const provider = stub.provider({ timeoutMs: 200, maxNetworkRetries: 0 });
    const failure = await provider.retrievePayment("pi_3QyN2bLkdIwHu7ix0Wq5cT8r").catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProviderUnavailableError);
    expect((failure as Error).message).toBe("Request aborted due to timeout being reached (200ms)");
    expect(stub.requests).toHaveLength(1);
  });

  it("reports a refused connection as unavailable", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const provider = new StripePaymentProvider({
      secretKey: KEY,
      host: "127.0.0.1",
      port,
      protocol: "http",
      maxNetworkRetries: 0,
    });
    await expect(provider.retrievePayment("pi_3QyN2bLkdIwHu7ix0Wq5cT8r")).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
  });

  it("reports an invalid request as a request error with Stripe's code", async () => {
    stub.answerNext({ status: 400, body: fixture("error.refund_amount_too_large") });
    const failure = await stub
      .provider()
      .refund({ paymentId: "pi_3QyN2bLkdIwHu7ix0Wq5cT8r", amount: 9900, idempotencyKey: randomUUID(), metadata: {} })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProviderRequestError);
    expect((failure as ProviderRequestError).code).toBe("amount_too_large");
    expect((failure as Error).message).toBe(
      "Refund amount ($99.00) is greater than unrefunded amount on charge ($49.00)",
    );
  });

  it("reports an unknown payment as a request error (resource_missing)", async () => {
    const failure = await stub
      .provider()
      .retrievePayment("pi_3QyN9zLkdIwHu7ix2Xn0Zz00")
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProviderRequestError);
    expect((failure as ProviderRequestError).code).toBe("resource_missing");
  });

  it("reports a wrong API key as a request error", async () => {
    const provider = stub.provider({ secretKey: "sk_test_wrong" });
    const failure = await provider.retrievePayment("pi_3QyN2bLkdIwHu7ix0Wq5cT8r").catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProviderRequestError);
    expect((failure as ProviderRequestError).code).toBeNull();
    expect(stub.requests.map((r) => r.authorization)).toEqual(["Bearer sk_test_wrong"]);
  });

  it("sends the same idempotency key when it retries after a 500", async () => {
    stub.answerNext({ status: 500, body: fixture("error.api_error") });
    const idempotencyKey = randomUUID();
    const payment = await stub.provider({ maxNetworkRetries: 1 }).createPayment({
      amount: 4900,
      currency: "usd",
      paymentMethod: "pm_card_visa",
      idempotencyKey,
      metadata: paymentMetadata,
    });
    expect(payment.status).toBe("SUCCEEDED");
    expect(stub.requests.map((r) => [r.path, r.idempotencyKey])).toEqual([
      ["/v1/payment_intents", idempotencyKey],
      ["/v1/payment_intents", idempotencyKey],
    ]);
  });
});

describe("Stripe webhooks", () => {
  const SECRET = "whsec_campus_test_0123456789abcdef";

  it("accepts a signed event and reads the payment from it", () => {
    const { body, signature } = signedStripeEvent(SECRET, {
      id: "evt_3QyN2bLkdIwHu7ix0c1Xy2Za",
      type: "payment_intent.succeeded",
      object: SUCCEEDED,
    });
    expect(readStripeWebhook(SECRET, body, signature)).toEqual({
      eventId: "evt_3QyN2bLkdIwHu7ix0c1Xy2Za",
      kind: "payment",
      payment: expect.objectContaining({ id: "pi_3QyN2bLkdIwHu7ix0Wq5cT8r", status: "SUCCEEDED", amount: 4900 }),
    });
  });

  it("maps payment_intent.payment_failed to a FAILED payment with the decline code", () => {
    const { body, signature } = signedStripeEvent(SECRET, {
      id: "evt_3QyN3fLkdIwHu7ix1u7Rt0Pb",
      type: "payment_intent.payment_failed",
      object: DECLINED.error.payment_intent,
    });
    const notice = readStripeWebhook(SECRET, body, signature);
    expect(notice).toMatchObject({
      kind: "payment",
      payment: { id: "pi_3QyN3fLkdIwHu7ix1mE0hW6c", status: "FAILED", failureCode: "generic_decline" },
    });
  });

  it("rejects a signature made with another secret", () => {
    const { body, signature } = signedStripeEvent("whsec_someone_else", {
      id: "evt_1",
      type: "payment_intent.succeeded",
      object: SUCCEEDED,
    });
    expect(() => readStripeWebhook(SECRET, body, signature)).toThrow(WebhookSignatureError);
  });

  it("rejects a body changed after signing", () => {
    const { body, signature } = signedStripeEvent(SECRET, {
      id: "evt_1",
      type: "payment_intent.succeeded",
      object: SUCCEEDED,
    });
    const tampered = body.replace('"amount":4900', '"amount":1');
    expect(tampered).not.toBe(body);
    expect(() => readStripeWebhook(SECRET, tampered, signature)).toThrow(WebhookSignatureError);
    // the untouched body still passes, so it is the change that is refused
    expect(readStripeWebhook(SECRET, body, signature).eventId).toBe("evt_1");
  });

  it("rejects a replay older than Stripe's 300 s tolerance, accepts one inside it", () => {
    const body = signedStripeEvent(SECRET, { id: "evt_1", type: "payment_intent.succeeded", object: SUCCEEDED }).body;
    const signedAgo = (seconds: number) =>
      Stripe.webhooks.generateTestHeaderString({
        payload: body,
        secret: SECRET,
        timestamp: Math.floor(Date.now() / 1000) - seconds,
      });
    expect(() => readStripeWebhook(SECRET, body, signedAgo(600))).toThrow(WebhookSignatureError);
    expect(readStripeWebhook(SECRET, body, signedAgo(120)).eventId).toBe("evt_1");
  });

  it("rejects an event without a signature header", () => {
    const { body } = signedStripeEvent(SECRET, { id: "evt_1", type: "payment_intent.succeeded", object: SUCCEEDED });
    expect(() => readStripeWebhook(SECRET, body, undefined)).toThrow(WebhookSignatureError);
  });
});

/**
 * The same adapter against Stripe itself, in test mode
 * (STRIPE_SECRET_KEY=sk_test_…): checks that the recorded responses above
 * still describe what Stripe answers. Test-mode payment methods only.
 */
const liveKey = process.env.STRIPE_SECRET_KEY;
const liveSkipReason = !liveKey
  ? "STRIPE_SECRET_KEY is not set"
  : !liveKey.startsWith("sk_test_")
    ? "STRIPE_SECRET_KEY is not a test-mode key (sk_test_…)"
    : null;
if (liveSkipReason) process.stdout.write(`[stripe contract] ${liveSkipReason}; live Stripe test-mode tests skipped\n`);

(liveSkipReason ? describe.skip : describe)("StripePaymentProvider against Stripe test mode", () => {
  // Built in beforeAll: a skipped describe still runs its body, and the SDK refuses an empty key.
  let provider: StripePaymentProvider;
  beforeAll(() => {
    provider = new StripePaymentProvider({ secretKey: liveKey! });
  });
  const pay = (paymentMethod: string, idempotencyKey = randomUUID()) => {
    const metadata = { orderId: randomUUID(), paymentId: randomUUID() };
    return provider
      .createPayment({ amount: 4900, currency: "USD", paymentMethod, idempotencyKey, metadata })
      .then((payment) => ({ payment, metadata }));
  };

  it("charges pm_card_visa: SUCCEEDED, and retrieves it the same", async () => {
    const { payment, metadata } = await pay("pm_card_visa");
    expect(payment).toMatchObject({ status: "SUCCEEDED", amount: 4900, currency: "usd", failureCode: null, metadata });
    expect(payment.id).toMatch(/^pi_/);
    expect(payment.clientSecret).toMatch(new RegExp(`^${payment.id}_secret_`));
    expect(await provider.retrievePayment(payment.id)).toEqual(payment);
  });

  it("declines pm_card_chargeDeclined: FAILED with generic_decline, then cancels it", async () => {
    const { payment } = await pay("pm_card_chargeDeclined");
    expect(payment).toMatchObject({ status: "FAILED", failureCode: "generic_decline", amount: 4900 });
    expect(await provider.cancelPayment(payment.id)).toMatchObject({ id: payment.id, status: "CANCELED" });
  });

  it("saves pm_card_visa on a customer and charges it off-session", async () => {
    const customer = await provider.saveCustomer({
      paymentMethod: "pm_card_visa",
      idempotencyKey: randomUUID(),
      metadata: { userId: randomUUID() },
    });
    expect(customer.id).toMatch(/^cus_/);
    expect(customer.paymentMethod).toMatch(/^pm_/);
    const payment = await provider.createPayment({
      amount: 4900,
      currency: "USD",
      paymentMethod: customer.paymentMethod,
      customer: customer.id,
      offSession: true,
      idempotencyKey: randomUUID(),
      metadata: { invoicePaymentId: randomUUID() },
    });
    expect(payment).toMatchObject({ status: "SUCCEEDED", amount: 4900 });
  });

  it("refunds a payment", async () => {
    const { payment } = await pay("pm_card_visa");
    const metadata = { orderId: payment.metadata.orderId!, refundId: randomUUID() };
    const refund = await provider.refund({
      paymentId: payment.id,
      amount: 4900,
      idempotencyKey: randomUUID(),
      metadata,
    });
    expect(["SUCCEEDED", "PENDING"]).toContain(refund.status);
    expect(refund).toMatchObject({ paymentId: payment.id, amount: 4900, metadata });
    expect(refund.id).toMatch(/^re_/);
  });

  it("charges once for one idempotency key", async () => {
    const idempotencyKey = randomUUID();
    const first = await provider.createPayment({
      amount: 4900,
      currency: "usd",
      paymentMethod: "pm_card_visa",
      idempotencyKey,
      metadata: { orderId: "o1" },
    });
    const second = await provider.createPayment({
      amount: 4900,
      currency: "usd",
      paymentMethod: "pm_card_visa",
      idempotencyKey,
      metadata: { orderId: "o1" },
    });
    expect(second.id).toBe(first.id);
    expect(second.status).toBe("SUCCEEDED");
  });

  it("refuses an unknown payment with resource_missing", async () => {
    const failure = await provider.retrievePayment("pi_3QyN9zLkdIwHu7ix2Xn0Zz00").catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProviderRequestError);
    expect((failure as ProviderRequestError).code).toBe("resource_missing");
  });
});
