import type { CommerceServices } from "@campus/commerce";
import {
  backends,
  operation,
  registerAdmin,
  registerInstructor,
  registerUser,
  settleEvents,
  startTestCampus,
  type TestCampus,
  type TestUser,
} from "../support";

/**
 * Plans, subscriptions and invoices through the router, with the guaranteed
 * operations of schema/operations/commerce.graphql as written (docs/commerce.md,
 * "Plans, subscriptions, invoices"). Renewals are driven by calling the
 * renewal job's sweep with a time in the future: no sleeping.
 */

const PLANS = operation("commerce", "Plans");
const CREATE_PLAN = operation("commerce", "CreatePlan");
const SUBSCRIBE = operation("commerce", "Subscribe");
const CANCEL = operation("commerce", "CancelSubscription");
const MINE = operation("commerce", "MySubscription");
const INVOICES = operation("commerce", "Invoices");
const CREATE_COURSE = operation("mvp", "CreateCourse");
const ADD_MODULE = operation("mvp", "AddModule");
const PUBLISH = operation("mvp", "PublishCourse");
const ENROLL = operation("mvp", "Enroll");

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
// 20 % tax: 999 → 199.8 → 200 (half up), total 1199
const PRICE = { amount: 999, currency: "EUR" };
const TAX = 200;

let keys = 0;
const newKey = () => `subscribe-key-${Date.now()}-${(keys += 1)}`;
const seq = (number: string) => Number(/^INV-\d{4}-(\d{6,})$/.exec(number)![1]);

describe.each(backends().map((backend) => [backend.name, backend] as const))(
  "plans, subscriptions and invoices through the router (%s)",
  (_name, backend) => {
    let campus: TestCampus;
    let admin: TestUser;
    let commerce: CommerceServices;
    let monthly: { id: string; name: string };
    let trial: { id: string; name: string };
    beforeAll(async () => {
      campus = await startTestCampus(backend, {
        INVOICE_TAX_RATE_BPS: "2000",
        BILLING_RETRY_ATTEMPTS: "2",
        BILLING_RETRY_BASE_HOURS: "1",
        // the test sweeps itself, at the times it chooses
        BILLING_INTERVAL_MS: String(10 * HOUR_MS),
      });
      commerce = campus.services.commerce as CommerceServices;
      admin = await registerAdmin(campus);
      const created = await campus.gql(
        CREATE_PLAN,
        {
          input: {
            name: `Campus Plus ${Date.now()}`,
            description: "Every paid course, monthly",
            interval: "MONTH",
            price: PRICE,
          },
        },
        admin.accessToken,
      );
      expect(created.errors).toBeUndefined();
      monthly = created.data.createPlan;
      const withTrial = await campus.gql(
        CREATE_PLAN,
        {
          input: {
            name: `Campus Plus Trial ${Date.now()}`,
            description: "A week free, then monthly",
            interval: "MONTH",
            price: PRICE,
            trialDays: 7,
          },
        },
        admin.accessToken,
      );
      expect(withTrial.errors).toBeUndefined();
      trial = withTrial.data.createPlan;
    }, 300_000);
    afterAll(() => campus?.stop());

    const subscribe = (user: TestUser, planId: string, paymentMethod = "pm_card_visa", idempotencyKey = newKey()) =>
      campus.gql(SUBSCRIBE, { input: { planId, paymentMethod, idempotencyKey } }, user.accessToken);
    const invoicesOf = async (user: TestUser, first = 20, after?: string) => {
      const result = await campus.gql(INVOICES, { first, after }, user.accessToken);
      expect(result.errors).toBeUndefined();
      return result.data.invoices;
    };
    const mine = async (user: TestUser) => (await campus.gql(MINE, {}, user.accessToken)).data.subscription;

    it("lists active plans to everyone; only admins create them, and bad input is BAD_USER_INPUT", async () => {
      const listed = await campus.gql(PLANS);
      expect(listed.errors).toBeUndefined();
      expect(listed.data.plans).toEqual(
        expect.arrayContaining([
          {
            id: monthly.id,
            name: monthly.name,
            description: "Every paid course, monthly",
            interval: "MONTH",
            price: PRICE,
            trialDays: null,
          },
          expect.objectContaining({ id: trial.id, trialDays: 7 }),
        ]),
      );
      const input = { name: "Sneaky", description: "", interval: "YEAR", price: PRICE };
      const learner = await registerUser(campus, "Plan Maker");
      expect((await campus.gql(CREATE_PLAN, { input }, learner.accessToken)).errors?.[0]?.extensions?.code).toBe(
        "FORBIDDEN",
      );
      expect((await campus.gql(CREATE_PLAN, { input })).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      for (const bad of [
        { ...input, price: { amount: 0, currency: "EUR" } },
        { ...input, price: { amount: 100, currency: "euro" } },
        { ...input, name: " " },
        { ...input, trialDays: -1 },
      ]) {
        expect((await campus.gql(CREATE_PLAN, { input: bad }, admin.accessToken)).errors?.[0]?.extensions?.code).toBe(
          "BAD_USER_INPUT",
        );
      }
      const created = await campus.gql(CREATE_PLAN, { input }, admin.accessToken);
      expect(created.data.createPlan).toMatchObject({ name: "Sneaky", interval: "YEAR", price: PRICE, active: true });
    });

    it("subscribes: ACTIVE, charged now with a PAID invoice; the same key answers the same; another key is CONFLICT", async () => {
      const learner = await registerUser(campus, "Sub Scriber");
      const key = newKey();
      const first = await subscribe(learner, monthly.id, "pm_card_visa", key);
      expect(first.errors).toBeUndefined();
      const sub = first.data.subscribe;
      expect(sub).toMatchObject({
        status: "ACTIVE",
        plan: { id: monthly.id, name: monthly.name },
        cancelAtPeriodEnd: false,
        latestInvoice: { status: "PAID", total: { amount: PRICE.amount + TAX, currency: "EUR" } },
      });
      expect(sub.latestInvoice.number).toMatch(/^INV-\d{4}-\d{6}$/);
      const start = Date.parse(sub.currentPeriodStart);
      expect(Date.parse(sub.currentPeriodEnd) - start).toBeGreaterThanOrEqual(28 * DAY_MS);
      expect(Date.parse(sub.currentPeriodEnd) - start).toBeLessThanOrEqual(31 * DAY_MS);

      const again = await subscribe(learner, monthly.id, "pm_card_visa", key);
      expect(again.errors).toBeUndefined();
      expect(again.data.subscribe).toEqual(sub);
      expect((await subscribe(learner, trial.id, "pm_card_visa", key)).errors?.[0]?.extensions).toMatchObject({
        code: "CONFLICT",
        reason: "IDEMPOTENCY_KEY_REUSED",
      });
      expect((await subscribe(learner, trial.id)).errors?.[0]?.extensions).toMatchObject({
        code: "CONFLICT",
        reason: "ALREADY_SUBSCRIBED",
      });
      expect(await mine(learner)).toMatchObject({ id: sub.id, status: "ACTIVE" });
      // one charge, one invoice
      expect((await invoicesOf(learner)).totalCount).toBe(1);
    });

    it("refuses a declined card with BAD_USER_INPUT (PAYMENT_DECLINED), leaving nothing live; a good card then works", async () => {
      const learner = await registerUser(campus, "Declined Dora");
      const key = newKey();
      const declined = await subscribe(learner, monthly.id, "pm_card_chargeDeclinedInsufficientFunds", key);
      expect(declined.data?.subscribe ?? null).toBeNull();
      expect(declined.errors?.[0]?.extensions).toMatchObject({
        code: "BAD_USER_INPUT",
        reason: "PAYMENT_DECLINED",
        declineCode: "insufficient_funds",
      });
      // the same request again: the same answer, no second charge attempt
      expect(
        (await subscribe(learner, monthly.id, "pm_card_chargeDeclinedInsufficientFunds", key)).errors?.[0]?.extensions,
      ).toMatchObject({ reason: "PAYMENT_DECLINED" });
      expect(await mine(learner)).toBeNull();
      expect((await invoicesOf(learner)).totalCount).toBe(0);
      const unknown = await subscribe(learner, monthly.id, "pm_card_nonsense");
      expect(unknown.errors?.[0]?.extensions).toMatchObject({
        code: "BAD_USER_INPUT",
        reason: "PAYMENT_METHOD_INVALID",
      });

      const ok = await subscribe(learner, monthly.id);
      expect(ok.errors).toBeUndefined();
      expect(ok.data.subscribe.status).toBe("ACTIVE");
    });

    it("renews when the period ends: a new OPEN→PAID invoice for the next period, ACTIVE; invoices page newest first", async () => {
      const learner = await registerUser(campus, "Renee Wall");
      const sub = (await subscribe(learner, monthly.id)).data.subscribe;
      const end = Date.parse(sub.currentPeriodEnd);
      // nothing due yet
      expect(await commerce.renewals.sweep(new Date(end - HOUR_MS))).not.toContain(sub.id);
      // two replicas' sweeps at once: each due subscription is taken by one of them
      const [one, two] = await Promise.all([
        commerce.renewals.sweep(new Date(end + 1000)),
        commerce.renewals.sweep(new Date(end + 1000)),
      ]);
      expect([...one, ...two]).toContain(sub.id);
      const renewed = await mine(learner);
      expect(renewed).toMatchObject({ id: sub.id, status: "ACTIVE", cancelAtPeriodEnd: false });
      expect(Date.parse(renewed.currentPeriodEnd)).toBeGreaterThanOrEqual(end + 28 * DAY_MS);

      const page1 = await invoicesOf(learner, 1);
      expect(page1.totalCount).toBe(2);
      expect(page1.pageInfo.hasNextPage).toBe(true);
      const newest = page1.edges[0].node;
      expect(newest).toMatchObject({
        status: "PAID",
        periodStart: sub.currentPeriodEnd,
        periodEnd: renewed.currentPeriodEnd,
        total: { amount: PRICE.amount + TAX, currency: "EUR" },
        tax: { amount: TAX, currency: "EUR" },
        lines: [
          {
            description: expect.stringContaining(monthly.name),
            quantity: 1,
            unitPrice: PRICE,
            total: PRICE,
          },
        ],
      });
      const page2 = await invoicesOf(learner, 1, page1.pageInfo.endCursor);
      expect(page2.pageInfo.hasNextPage).toBe(false);
      expect(page2.edges[0].node.number).toBe(sub.latestInvoice.number);
      // numbered in the year it was issued (the renewal's may be the next year's)
      expect(newest.number.slice(4, 8)).toBe(String(new Date(end + 1000).getUTCFullYear()));
      expect(newest.number).not.toBe(sub.latestInvoice.number);
      // a second sweep at the same time finds nothing more to do
      expect(await commerce.renewals.sweep(new Date(end + 2000))).not.toContain(sub.id);
      expect((await invoicesOf(learner)).totalCount).toBe(2);
    });

    it("cancels at period end: no charge, CANCELED when the period ends; someone else's is NOT_FOUND", async () => {
      const learner = await registerUser(campus, "Can Celia");
      const sub = (await subscribe(learner, monthly.id)).data.subscribe;
      const stranger = await registerUser(campus, "Stranger Danger");
      expect((await campus.gql(CANCEL, { id: sub.id }, stranger.accessToken)).errors?.[0]?.extensions?.code).toBe(
        "NOT_FOUND",
      );
      const canceled = await campus.gql(CANCEL, { id: sub.id }, learner.accessToken);
      expect(canceled.errors).toBeUndefined();
      expect(canceled.data.cancelSubscription).toEqual({
        id: sub.id,
        status: "ACTIVE",
        cancelAtPeriodEnd: true,
        currentPeriodEnd: sub.currentPeriodEnd,
      });
      await commerce.renewals.sweep(new Date(Date.parse(sub.currentPeriodEnd) + 1000));
      expect(await mine(learner)).toMatchObject({ id: sub.id, status: "CANCELED", cancelAtPeriodEnd: true });
      expect((await invoicesOf(learner)).totalCount).toBe(1);
      // ended: a new subscription is allowed
      expect((await subscribe(learner, monthly.id)).data.subscribe.status).toBe("ACTIVE");
    });

    it("trial then failing renewals: TRIALING with a zero invoice, PAST_DUE with a retry, CANCELED when retries run out", async () => {
      const learner = await registerUser(campus, "Tri Al");
      const started = await subscribe(learner, trial.id, "pm_card_chargeCustomerFail");
      expect(started.errors).toBeUndefined();
      const sub = started.data.subscribe;
      expect(sub).toMatchObject({
        status: "TRIALING",
        latestInvoice: { status: "PAID", total: { amount: 0, currency: "EUR" } },
      });
      const trialEnd = Date.parse(sub.currentPeriodEnd);
      expect(trialEnd - Date.parse(sub.currentPeriodStart)).toBe(7 * DAY_MS);

      await commerce.renewals.sweep(new Date(trialEnd + 1000));
      expect(await mine(learner)).toMatchObject({ id: sub.id, status: "PAST_DUE" });
      const open = (await invoicesOf(learner)).edges[0].node;
      expect(open).toMatchObject({ status: "OPEN", total: { amount: PRICE.amount + TAX } });
      // the retry waits for its backoff (1 h)
      expect(await commerce.renewals.sweep(new Date(trialEnd + 30 * 60_000))).not.toContain(sub.id);
      expect(await commerce.renewals.sweep(new Date(trialEnd + 2 * HOUR_MS))).toContain(sub.id);
      expect(await mine(learner)).toMatchObject({ id: sub.id, status: "CANCELED" });
      // the unpaid invoice is void: not listed, its number kept
      const after = await invoicesOf(learner);
      expect(after.totalCount).toBe(1);
      expect(after.edges[0].node.total.amount).toBe(0);
    });

    it("lets a TRIALING or ACTIVE subscriber enroll in paid courses; the enrollments end with the subscription", async () => {
      const instructor = await registerInstructor(campus, "Sub Instructor");
      const created = await campus.gql(
        CREATE_COURSE,
        {
          input: { title: `Paid for subscribers ${Date.now()}`, description: "Paid", level: "BEGINNER", price: PRICE },
        },
        instructor.accessToken,
      );
      const courseId = created.data.createCourse.id as string;
      await campus.gql(ADD_MODULE, { courseId, input: { title: "One" } }, instructor.accessToken);
      expect((await campus.gql(PUBLISH, { id: courseId }, instructor.accessToken)).errors).toBeUndefined();

      const learner = await registerUser(campus, "Plus Learner");
      expect((await campus.gql(ENROLL, { courseId }, learner.accessToken)).errors?.[0]?.extensions?.code).toBe(
        "PAYMENT_REQUIRED",
      );
      const sub = (await subscribe(learner, trial.id)).data.subscribe;
      expect(sub.status).toBe("TRIALING");
      await settleEvents(campus);
      const enrolled = await campus.gql(ENROLL, { courseId }, learner.accessToken);
      expect(enrolled.errors).toBeUndefined();
      expect(enrolled.data.enroll.status).toBe("ACTIVE");

      expect((await campus.gql(CANCEL, { id: sub.id }, learner.accessToken)).errors).toBeUndefined();
      await commerce.renewals.sweep(new Date(Date.parse(sub.currentPeriodEnd) + 1000));
      expect(await mine(learner)).toMatchObject({ status: "CANCELED" });
      await settleEvents(campus);
      const after = await campus.gql(
        `query($id: ID!) { course(id: $id) { viewerEnrollment { status } } }`,
        { id: courseId },
        learner.accessToken,
      );
      expect(after.data.course.viewerEnrollment?.status ?? "CANCELLED").toBe("CANCELLED");
      expect((await campus.gql(ENROLL, { courseId }, learner.accessToken)).errors?.[0]?.extensions?.code).toBe(
        "PAYMENT_REQUIRED",
      );
    });

    it("gives concurrent invoices distinct consecutive numbers", async () => {
      const learners = await Promise.all(Array.from({ length: 8 }, (_, i) => registerUser(campus, `Rush ${i}`)));
      const results = await Promise.all(learners.map((learner) => subscribe(learner, monthly.id)));
      for (const result of results) expect(result.errors).toBeUndefined();
      const numbers = results.map((result) => seq(result.data.subscribe.latestInvoice.number)).sort((a, b) => a - b);
      expect(new Set(numbers).size).toBe(8);
      expect(numbers.at(-1)! - numbers[0]!).toBe(7);
    });

    it("serves each invoice as a PDF at a signed URL", async () => {
      const learner = await registerUser(campus, "Pee Dee Eff");
      await subscribe(learner, monthly.id);
      const [first, second] = await Promise.all([invoicesOf(learner), invoicesOf(learner)]);
      const url = first.edges[0].node.pdfUrl as string;
      expect(url).toMatch(/^https?:\/\//);
      for (const signed of [url, second.edges[0].node.pdfUrl]) {
        const response = await fetch(signed);
        expect(response.status).toBe(200);
        const body = Buffer.from(await response.arrayBuffer());
        expect(body.subarray(0, 5).toString()).toBe("%PDF-");
      }
      // signed for this file only
      expect((await fetch(url.replace(".pdf?", ".pdx?"))).status).toBeGreaterThanOrEqual(400);
    });
  },
);
