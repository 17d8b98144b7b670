import type { MockPaymentProvider } from "@campus/commerce";
import { backends, operation, registerInstructor, settleEvents, startTestCampus, type TestCampus } from "../support";

/**
 * Checkout under bursts, through the router: 50 concurrent checkouts with one
 * idempotency key place one order and charge once; 100 buyers racing for 10
 * seats get exactly 10 paid orders, and the other 90 are refused before any
 * charge. The guards are the idempotency key's primary key and the
 * CourseSeats counter row (subgraphs/commerce/src/data/order.writes.ts).
 */

const ADD = operation("commerce", "AddToCart");
const CHECKOUT = operation("commerce", "Checkout");
const CREATE_COURSE = operation("mvp", "CreateCourse");
const ADD_MODULE = operation("mvp", "AddModule");
const PUBLISH = operation("mvp", "PublishCourse");

describe.each(backends().map((backend) => [backend.name, backend] as const))(
  "checkout races through the router (%s)",
  (_name, backend) => {
    let campus: TestCampus;
    let instructor: { accessToken: string };
    let provider: MockPaymentProvider;
    beforeAll(async () => {
      campus = await startTestCampus(backend, {
        PAYMENT_RECONCILE_INTERVAL_MS: "200",
        // 100 checkouts at once in one process on 2 cores: catalog's answer may take longer than the
        // 3 s default (a refusal then is SERVICE_UNAVAILABLE); these races are about keys and seats
        CATALOG_TIMEOUT_MS: "30000",
      });
      instructor = await registerInstructor(campus, "Race Keeper");
      provider = campus.services.commerce.provider as MockPaymentProvider;
    }, 300_000);
    afterAll(() => campus?.stop());

    async function paidCourse(capacity?: number) {
      const created = await campus.gql(
        CREATE_COURSE,
        {
          input: {
            title: `Race ${Date.now()}`,
            description: "Fast",
            level: "BEGINNER",
            price: { amount: 2500, currency: "USD" },
            ...(capacity ? { capacity } : {}),
          },
        },
        instructor.accessToken,
      );
      const id = created.data.createCourse.id as string;
      await campus.gql(ADD_MODULE, { courseId: id, input: { title: "Only" } }, instructor.accessToken);
      await campus.gql(PUBLISH, { id }, instructor.accessToken);
      return id;
    }

    /** Registered through the identity service (as the seed does), a few at a time. */
    async function buyers(count: number, courseId: string): Promise<{ id: string; accessToken: string }[]> {
      const sessions: { id: string; accessToken: string }[] = [];
      const stamp = Date.now();
      for (let start = 0; start < count; start += 10) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(10, count - start) }, async (_, n) => {
            const session = await campus.services.identity.accounts.register({
              email: `buyer.${start + n}.${stamp}@example.com`,
              password: "a sturdy passphrase",
              name: `Buyer ${start + n}`,
            });
            const added = await campus.gql(ADD, { courseId }, session.accessToken);
            expect(added.errors).toBeUndefined();
            return { id: session.user.id, accessToken: session.accessToken };
          }),
        );
        sessions.push(...batch);
      }
      return sessions;
    }

    async function ordersFor(courseId: string) {
      const rows = await campus.databases.commerce.query<{ status: string; count: number }>(
        `SELECT o."status"::text AS status, count(*)::int AS count FROM "commerce"."Order" o
          JOIN "commerce"."OrderItem" i ON i."orderId" = o."id" WHERE i."courseId" = $1::uuid GROUP BY o."status"`,
        [courseId],
      );
      return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
    }

    it("50 concurrent checkouts with one key: one order, one payment, one charge", async () => {
      const courseId = await paidCourse();
      const [buyer] = await buyers(1, courseId);
      const chargesBefore = (await provider.charges()).length;
      const input = { idempotencyKey: `race-key-${Date.now()}-0123456789`, paymentMethod: "pm_card_visa" };

      const results = await Promise.all(
        Array.from({ length: 50 }, () => campus.gql(CHECKOUT, { input }, buyer!.accessToken)),
      );
      expect(results.filter((result) => result.errors)).toEqual([]);
      const orderIds = new Set(results.map((result) => result.data.checkout.order.id));
      const paymentIds = new Set(results.map((result) => result.data.checkout.payment.id));
      expect(orderIds.size).toBe(1);
      expect(paymentIds.size).toBe(1);

      await settleEvents(campus);
      const payments = await campus.databases.commerce.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM "commerce"."Payment" WHERE "orderId" = $1::uuid`,
        [[...orderIds][0]],
      );
      expect(Number(payments[0]!.count)).toBe(1);
      expect((await provider.charges()).length - chargesBefore).toBe(1);
      expect(await ordersFor(courseId)).toEqual({ FULFILLED: 1 });
      const enrollments = await campus.databases.enrollment.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM "enrollment"."Enrollment" WHERE "courseId" = $1::uuid`,
        [courseId],
      );
      expect(Number(enrollments[0]!.count)).toBe(1);
    }, 120_000);

    it("100 buyers, 10 seats: exactly 10 paid orders, 90 refused SOLD_OUT before any charge", async () => {
      const courseId = await paidCourse(10);
      const racers = await buyers(100, courseId);
      const chargesBefore = (await provider.charges()).length;

      const results = await Promise.all(
        racers.map((racer, n) =>
          campus.gql(
            CHECKOUT,
            { input: { idempotencyKey: `seat-race-${Date.now()}-${n}-abcdef`, paymentMethod: "pm_card_visa" } },
            racer.accessToken,
          ),
        ),
      );
      const won = results.filter((result) => !result.errors);
      const refusals = results.flatMap((result) =>
        result.errors
          ? [
              `${result.errors[0]!.extensions?.code}/${result.errors[0]!.extensions?.reason ?? result.errors[0]!.message}`,
            ]
          : [],
      );
      // both at once, so a failure shows what the refused ones got
      expect({ won: won.length, refusals: new Set(refusals) }).toEqual({
        won: 10,
        refusals: new Set(["CONFLICT/SOLD_OUT"]),
      });

      await settleEvents(campus);
      expect((await provider.charges()).length - chargesBefore).toBe(10);
      expect(await ordersFor(courseId)).toEqual({ FULFILLED: 10 });
      const seats = await campus.databases.commerce.query<{ taken: number }>(
        `SELECT "taken" FROM "commerce"."CourseSeats" WHERE "courseId" = $1::uuid`,
        [courseId],
      );
      expect(seats.map((row) => Number(row.taken))).toEqual([10]);
      const enrollments = await campus.databases.enrollment.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM "enrollment"."Enrollment" WHERE "courseId" = $1::uuid AND "status" = 'ACTIVE'`,
        [courseId],
      );
      expect(Number(enrollments[0]!.count)).toBe(10);
    }, 300_000);
  },
);
