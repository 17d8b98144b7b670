import { randomUUID } from "node:crypto";
import { inTransaction } from "@campus/analytics";
import { envelope, eventLogHistory, topicOf } from "@campus/events";
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
 * Analytics' core promise (docs/analytics.md): after events settle, every
 * figure of platformReport and courseReport equals the truth recomputed from
 * the source subgraphs' own tables (read-only, here in the test), for a
 * randomized workload of a few thousand actions through the router: register,
 * enroll, progress, complete, buy paid courses (mock provider, some cards
 * declined), refund, take quizzes, write essays that instructors grade (and re-grade). The seed is printed; rerun one
 * with ANALYTICS_SEED=<seed>. Then the rebuild from the event log gives the
 * same figures, and an event of an unknown version is dead-lettered with the
 * reason while the consumer goes on.
 *
 * Enrollment keeps one row per learner and course, so a course bought again
 * after a refund (a stale cart can do that) takes the old row up again; the
 * truth of enrollments made is therefore every order item that granted an
 * enrollment plus every other enrollment row. The workload never cancels a
 * free enrollment, whose re-enrollment no source table would remember. Facts are dated by their event's time, which is
 * within milliseconds of the source row's timestamp; a run across UTC midnight
 * could put one on the other day.
 */
const PLATFORM_REPORT = operation("engagement", "PlatformReport");
const COURSE_REPORT = operation("engagement", "CourseReport");
const CREATE_COURSE = operation("mvp", "CreateCourse");
const ADD_MODULE = operation("mvp", "AddModule");
const PUBLISH = operation("mvp", "PublishCourse");
const ENROLL = operation("mvp", "Enroll");
const PROGRESS = operation("mvp", "UpdateProgress");
const ADD_TO_CART = operation("commerce", "AddToCart");
const CHECKOUT = operation("commerce", "Checkout");
const REFUND = operation("commerce", "RequestRefund");
const CREATE_ASSIGNMENT = operation("learning", "CreateAssignment");
const PUBLISH_ASSIGNMENT = operation("learning", "PublishAssignment");
const SUBMIT = operation("learning", "SubmitAssignment");
const GRADE = operation("learning", "GradeSubmission");

const QUESTIONS = [
  { prompt: "Which are even?", choices: ["1", "2", "3", "4"], correct: [1, 3], points: 4 },
  { prompt: "Is 7 prime?", choices: ["yes", "no"], correct: [0], points: 6 },
];
// each action is one to three requests through the router; PGlite runs everything in this one process
const actionsFor = (backend: string) =>
  Number(process.env.ANALYTICS_WORKLOAD_ACTIONS || (backend === "embedded" ? 2000 : 2500));
// a learner runs out of things to do (3 free and 3 paid courses, 3 attempts each): about one per 20 actions keeps draws useful
const learnersFor = (actions: number) => Math.ceil(actions / 20);
const WORKERS = 6;
const DAY = 86_400_000;

const print = (line: string) => process.stdout.write(`${line}\n`);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** mulberry32: a small seeded generator, so a failing workload can be run again. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(items: readonly T[]): T | undefined => items[Math.floor(next() * items.length)] };
}

interface Course {
  id: string;
  moduleIds: string[];
  quizId: string;
  essayId: string;
  instructor: TestUser;
  price: number;
  currency: string;
}

type Money = { amount: number; currency: string };
const money = (amounts: Map<string, number>): Money[] =>
  [...amounts]
    .filter(([, amount]) => amount !== 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amount]) => ({ amount, currency }));
const add = <K>(map: Map<K, number>, key: K, amount: number) => map.set(key, (map.get(key) ?? 0) + amount);
const close = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) < 1e-9);

// The events stay on the embedded event log even when KAFKA_BROKERS is set: the rebuild test reads that log
// table, and the 1,300-action workload is the suite's longest (the other e2e files cover Kafka).
describe.each(backends().map((backend) => [backend.name, backend] as const))(
  "analytics equals the sources' truth (%s)",
  (name, backend) => {
    let campus: TestCampus;
    let admin: TestUser;
    const courses: Course[] = [];
    let from: Date;
    let ACTIONS = 0;
    let to: Date;

    beforeAll(async () => {
      campus = await startTestCampus(backend);
      admin = await registerAdmin(campus);
    }, 300_000);
    afterAll(() => campus?.stop());

    async function ok(query: string, variables: Record<string, unknown>, token?: string) {
      const result = await campus.gql(query, variables, token);
      if (result.errors) throw new Error(`${query.slice(0, 40)}: ${JSON.stringify(result.errors)}`);
      return result.data;
    }

    it("runs a randomized workload through the router", async () => {
      const seed = Number(process.env.ANALYTICS_SEED || Date.now() % 2 ** 31);
      ACTIONS = actionsFor(name);
      print(`analytics workload (${name}): seed ${seed}, ${ACTIONS} actions (ANALYTICS_SEED=${seed} to rerun)`);
      const random = generator(seed);
      const started = Date.now();

      const instructors = await Promise.all([0, 1, 2].map((i) => registerInstructor(campus, `Instructor ${i}`)));
      const shapes = [
        { price: 0, currency: "EUR", modules: 3 },
        { price: 0, currency: "EUR", modules: 2 },
        { price: 0, currency: "USD", modules: 4 },
        { price: 1900, currency: "EUR", modules: 2 },
        { price: 4500, currency: "EUR", modules: 2 },
        { price: 2500, currency: "USD", modules: 2 },
      ];
      for (const [i, shape] of shapes.entries()) {
        const instructor = instructors[i % instructors.length]!;
        const input = {
          title: `Analytics course ${i}`,
          description: "Counted",
          level: "BEGINNER",
          price: { amount: shape.price, currency: shape.currency },
        };
        const { id } = (await ok(CREATE_COURSE, { input }, instructor.accessToken)).createCourse;
        const moduleIds: string[] = [];
        for (let m = 0; m < shape.modules; m += 1)
          moduleIds.push(
            (await ok(ADD_MODULE, { courseId: id, input: { title: `M${m}` } }, instructor.accessToken)).addModule.id,
          );
        await ok(PUBLISH, { id }, instructor.accessToken);
        const quiz = (
          await ok(
            CREATE_ASSIGNMENT,
            {
              courseId: id,
              input: { title: "Quiz", instructions: "Pick", kind: "QUIZ", maxAttempts: 3, questions: QUESTIONS },
            },
            instructor.accessToken,
          )
        ).createAssignment;
        await ok(PUBLISH_ASSIGNMENT, { id: quiz.id }, instructor.accessToken);
        const essay = (
          await ok(
            CREATE_ASSIGNMENT,
            {
              courseId: id,
              input: { title: "Essay", instructions: "Why?", kind: "ESSAY", maxAttempts: 3, maxPoints: 20 },
            },
            instructor.accessToken,
          )
        ).createAssignment;
        await ok(PUBLISH_ASSIGNMENT, { id: essay.id }, instructor.accessToken);
        courses.push({
          id,
          moduleIds,
          quizId: quiz.id,
          essayId: essay.id,
          instructor,
          price: shape.price,
          currency: shape.currency,
        });
      }
      const free = courses.filter((course) => course.price === 0);
      print(`analytics workload (${name}): courses ready in ${Date.now() - started} ms`);
      const paid = courses.filter((course) => course.price > 0);

      const learners: TestUser[] = [];
      for (let i = 0; i < learnersFor(ACTIONS); i += 4)
        learners.push(...(await Promise.all([0, 1, 2, 3].map(() => registerUser(campus, "Analytics Learner")))));

      interface LearnerState {
        user: TestUser;
        enrollments: Map<string, { id: string; done: Set<string> }>;
        bought: Set<string>;
        orders: string[];
        refunded: Set<string>;
        attempts: Map<string, number>;
      }
      const states: LearnerState[] = learners.map((user) => ({
        user,
        enrollments: new Map(),
        bought: new Set(),
        orders: [],
        refunded: new Set(),
        attempts: new Map(),
      }));
      const submissions: { id: string; course: Course }[] = [];
      const counts: Record<string, number> = {};
      const count = (what: string) => {
        counts[what] = (counts[what] ?? 0) + 1;
        return what;
      };

      /** One action: a few draws when the one drawn has nothing left to do (all enrolled, all modules done…). */
      async function act(state: LearnerState) {
        for (let draw = 0; draw < 4; draw += 1) if ((await attempt(state)) !== "nothing") return;
        count("nothing");
      }

      async function attempt(state: LearnerState): Promise<string> {
        const token = state.user.accessToken;
        const roll = random.next();
        if (roll < 0.25) {
          const course = random.pick(free.filter((c) => !state.enrollments.has(c.id)));
          if (!course) return "nothing";
          const result = await campus.gql(ENROLL, { courseId: course.id }, token);
          if (result.errors) return count("enroll refused");
          state.enrollments.set(course.id, { id: result.data.enroll.id, done: new Set() });
          return count("enroll");
        }
        if (roll < 0.6) {
          const open = [...state.enrollments.entries()].filter(([courseId, e]) =>
            courses.find((c) => c.id === courseId)!.moduleIds.some((m) => !e.done.has(m)),
          );
          const picked = random.pick(open);
          if (!picked) return "nothing";
          const [courseId, enrollment] = picked;
          const moduleId = random.pick(
            courses.find((c) => c.id === courseId)!.moduleIds.filter((m) => !enrollment.done.has(m)),
          )!;
          const result = await campus.gql(PROGRESS, { enrollmentId: enrollment.id, moduleId, completed: true }, token);
          if (result.errors) return count("progress refused");
          enrollment.done.add(moduleId);
          return count("progress");
        }
        if (roll < 0.72) {
          const course = random.pick(paid.filter((c) => !state.bought.has(c.id)));
          if (!course) return "nothing";
          state.bought.add(course.id);
          const cart = await campus.gql(ADD_TO_CART, { courseId: course.id }, token);
          if (cart.errors) return count("cart refused");
          const card = random.next() < 0.1 ? "pm_card_chargeDeclined" : "pm_card_visa";
          const result = await campus.gql(
            CHECKOUT,
            { input: { idempotencyKey: randomUUID(), paymentMethod: card } },
            token,
          );
          if (result.errors) return count("checkout refused");
          state.orders.push(result.data.checkout.order.id);
          return count(card === "pm_card_visa" ? "checkout" : "checkout declined");
        }
        if (roll < 0.78) {
          const orderId = random.pick(state.orders.filter((id) => !state.refunded.has(id)));
          if (!orderId) return "nothing";
          state.refunded.add(orderId);
          const result = await campus.gql(REFUND, { orderId, reason: "changed my mind" }, token);
          return count(result.errors ? "refund refused" : "refund");
        }
        if (roll < 0.95) {
          const course = random.pick(
            free.filter((c) => state.enrollments.has(c.id) && (state.attempts.get(c.id) ?? 0) < 3),
          );
          if (!course) return "nothing";
          const answers = QUESTIONS.map((question, index) => ({
            question: index,
            choices: [Math.floor(random.next() * question.choices.length)],
          }));
          // a quiz is graded at once; an essay waits for its instructor
          const quiz = random.next() < 0.5;
          const result = await campus.gql(
            SUBMIT,
            quiz
              ? { assignmentId: course.quizId, input: { answers } }
              : { assignmentId: course.essayId, input: { text: "Because." } },
            token,
          );
          if (result.errors) return count("submit refused");
          state.attempts.set(course.id, (state.attempts.get(course.id) ?? 0) + 1);
          if (!quiz) submissions.push({ id: result.data.submitAssignment.submission.id, course });
          return count(quiz ? "quiz" : "essay");
        }
        const submission = random.pick(submissions);
        if (!submission) return "nothing";
        const points = Math.floor(random.next() * 21);
        const result = await campus.gql(
          GRADE,
          { submissionId: submission.id, points },
          submission.course.instructor.accessToken,
        );
        return count(result.errors ? "grade refused" : "grade");
      }

      print(`analytics workload (${name}): learners ready in ${Date.now() - started} ms`);
      let done = 0;
      await Promise.all(
        Array.from({ length: WORKERS }, async (_, worker) => {
          const mine = states.filter((_, i) => i % WORKERS === worker);
          while (done < ACTIONS) {
            done += 1;
            await act(random.pick(mine)!);
          }
        }),
      );
      await settleEvents(campus, 60_000);
      print(
        `analytics workload (${name}): ${Date.now() - started} ms, ${Object.entries(counts)
          .sort()
          .map(([what, n]) => `${what} ${n}`)
          .join(", ")}`,
      );
      expect(counts.enroll).toBeGreaterThan(20);
      expect(counts.progress).toBeGreaterThan(20);
      expect(counts.checkout).toBeGreaterThan(5);
      expect(counts.quiz).toBeGreaterThan(5);
      expect(counts.grade).toBeGreaterThan(2);
      const today = Math.floor(Date.now() / DAY) * DAY;
      from = new Date(today - 2 * DAY);
      to = new Date(today + 2 * DAY);
    }, 600_000);

    /** The truth, from the source subgraphs' own tables (read-only): figures per UTC day. */
    async function truth() {
      const db = campus.databases;
      const day = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
      const users = await db.identity.query<{ day: string; n: number }>(
        `SELECT ${day(`"createdAt"`)} AS day, count(*)::int AS n FROM "identity"."User" GROUP BY 1`,
      );
      const enrollments = await db.enrollment.query<{
        id: string;
        userId: string;
        courseId: string;
        status: string;
        progress: number;
        enrolled: string;
        completed: string | null;
      }>(
        `SELECT id::text, "userId"::text AS "userId", "courseId"::text AS "courseId", status::text, progress,
                ${day(`"enrolledAt"`)} AS enrolled, ${day(`"completedAt"`)} AS completed
         FROM "enrollment"."Enrollment"`,
      );
      const progress = await db.enrollment.query<{ day: string; userId: string }>(
        `SELECT DISTINCT ${day(`m."completedAt"`)} AS day, e."userId"::text AS "userId"
         FROM "enrollment"."ModuleCompletion" m JOIN "enrollment"."Enrollment" e ON e.id = m."enrollmentId"`,
      );
      const orders = await db.commerce.query<{
        id: string;
        userId: string;
        day: string;
        currency: string;
        total: number;
      }>(
        `SELECT id::text, "userId"::text AS "userId", ${day(`"paidAt"`)} AS day, currency, "totalAmount" AS total
         FROM "commerce"."Order" WHERE "paidAt" IS NOT NULL
         UNION ALL
         -- subscription payments count as revenue too (docs/commerce.md)
         SELECT id::text, "userId"::text AS "userId", ${day(`"paidAt"`)} AS day, currency, "totalAmount" AS total
         FROM "commerce"."Invoice" WHERE status = 'PAID' AND "totalAmount" > 0`,
      );
      const items = await db.commerce.query<{
        orderId: string;
        courseId: string;
        currency: string;
        price: number;
        enrollmentId: string | null;
        fulfilled: string | null;
      }>(
        `SELECT "orderId"::text AS "orderId", "courseId"::text AS "courseId", currency, "priceAmount" AS price,
                "enrollmentId"::text AS "enrollmentId", ${day(`"fulfilledAt"`)} AS fulfilled
         FROM "commerce"."OrderItem"`,
      );
      const refunds = await db.commerce.query<{ day: string; currency: string; amount: number }>(
        `SELECT ${day(`"updatedAt"`)} AS day, currency, amount FROM "commerce"."Refund" WHERE status = 'SUCCEEDED'`,
      );
      const submitted = await db.assessment.query<{
        learnerId: string;
        courseId: string;
        day: string;
        submittedAt: Date;
        points: number | null;
        maxPoints: number;
      }>(
        `SELECT s."learnerId"::text AS "learnerId", s."courseId"::text AS "courseId", ${day(`s."submittedAt"`)} AS day,
                s."submittedAt", s.points, a."maxPoints"
         FROM "assessment"."Submission" s JOIN "assessment"."Assignment" a ON a.id = s."assignmentId"
         WHERE s."submittedAt" IS NOT NULL`,
      );
      const contentDone = await db.content.query<{ day: string; userId: string }>(
        `SELECT DISTINCT ${day(`"completedAt"`)} AS day, "userId"::text AS "userId" FROM "content"."Completion"`,
      );
      const activity = new Map<string, Set<string>>();
      const active = (dayKey: string, userId: string) =>
        activity.set(dayKey, (activity.get(dayKey) ?? new Set()).add(userId));
      for (const row of progress) active(row.day, row.userId);
      for (const row of orders) active(row.day, row.userId);
      for (const row of submitted) active(row.day, row.learnerId);
      for (const row of contentDone) active(row.day, row.userId);
      const paidDay = new Map(orders.map((order) => [order.id, order.day]));
      // Every enrollment made: a purchase that granted a course (the order item keeps its enrollment, even when a
      // later purchase of the same course took the refunded enrollment up again), and every other enrollment row.
      const granted = items.filter((item) => item.enrollmentId !== null);
      const bought = new Set(granted.map((item) => item.enrollmentId));
      const enrolled = [
        ...granted.map((item) => ({ courseId: item.courseId, day: item.fulfilled })),
        ...enrollments
          .filter((row) => !bought.has(row.id))
          .map((row) => ({ courseId: row.courseId, day: row.enrolled })),
      ];
      return { users, enrollments, enrolled, activity, orders, items, refunds, submitted, paidDay };
    }

    const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10);
    /** The period start (a day, ISO week's Monday or month's first day) of a `YYYY-MM-DD` day. */
    function period(dayKey: string, interval: "DAY" | "WEEK" | "MONTH") {
      const date = new Date(`${dayKey}T00:00:00.000Z`);
      if (interval === "WEEK") date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
      if (interval === "MONTH") date.setUTCDate(1);
      return date.toISOString().slice(0, 10);
    }
    const inRange = (dayKey: string | null) =>
      dayKey !== null && dayKey >= isoDay(from.getTime()) && dayKey < isoDay(to.getTime());

    async function expectReportsMatchTruth() {
      const t = await truth();
      for (const interval of ["DAY", "WEEK", "MONTH"] as const) {
        const report = (await ok(PLATFORM_REPORT, { from, to, interval }, admin.accessToken)).platformReport;
        const expected = new Map<string, any>();
        for (let time = from.getTime(); time < to.getTime(); time += DAY) {
          const key = period(isoDay(time), interval);
          if (!expected.has(key))
            expected.set(key, {
              newUsers: 0,
              learners: new Set<string>(),
              enrollments: 0,
              completions: 0,
              revenue: new Map<string, number>(),
            });
        }
        const at = (dayKey: string | null) => (inRange(dayKey) ? expected.get(period(dayKey!, interval)) : undefined);
        for (const row of t.users) if (at(row.day)) at(row.day).newUsers += row.n;
        for (const row of t.enrolled) if (at(row.day)) at(row.day).enrollments += 1;
        for (const row of t.enrollments) if (at(row.completed)) at(row.completed).completions += 1;
        for (const [dayKey, learners] of t.activity) for (const learner of learners) at(dayKey)?.learners.add(learner);
        for (const row of t.orders) if (at(row.day)) add(at(row.day).revenue, row.currency, row.total);
        expect(report.series.map((point: any) => ({ ...point, periodStart: point.periodStart.slice(0, 10) }))).toEqual(
          [...expected].map(([key, figures]) => ({
            periodStart: key,
            newUsers: figures.newUsers,
            activeLearners: figures.learners.size,
            enrollments: figures.enrollments,
            completions: figures.completions,
            revenue: money(figures.revenue),
          })),
        );

        const allLearners = new Set<string>();
        for (const [dayKey, learners] of t.activity) if (inRange(dayKey)) learners.forEach((l) => allLearners.add(l));
        const revenue = new Map<string, number>();
        const refunds = new Map<string, number>();
        for (const row of t.orders) if (inRange(row.day)) add(revenue, row.currency, row.total);
        for (const row of t.refunds) if (inRange(row.day)) add(refunds, row.currency, row.amount);
        const sum = (key: "newUsers" | "enrollments" | "completions") =>
          [...expected.values()].reduce((total, figures) => total + figures[key], 0);
        expect(report.totals).toEqual({
          newUsers: sum("newUsers"),
          activeLearners: allLearners.size,
          enrollments: sum("enrollments"),
          completions: sum("completions"),
          revenue: money(revenue),
          refunds: money(refunds),
        });

        // per course
        const perCourse = new Map<string, { enrollments: number; completions: number; revenue: Map<string, number> }>();
        const of = (courseId: string) => {
          if (!perCourse.has(courseId)) perCourse.set(courseId, { enrollments: 0, completions: 0, revenue: new Map() });
          return perCourse.get(courseId)!;
        };
        for (const row of t.enrolled) if (inRange(row.day)) of(row.courseId).enrollments += 1;
        for (const row of t.enrollments) if (inRange(row.completed)) of(row.courseId).completions += 1;
        for (const item of t.items) {
          const dayKey = t.paidDay.get(item.orderId);
          if (dayKey && inRange(dayKey)) add(of(item.courseId).revenue, item.currency, item.price);
        }
        const ranked = [...perCourse]
          .filter(([, figures]) => figures.enrollments > 0 || figures.completions > 0)
          .sort(([a, x], [b, y]) => y.enrollments - x.enrollments || y.completions - x.completions || (a < b ? -1 : 1))
          .slice(0, 5);
        expect(
          report.topCourses.map((entry: any) => ({
            id: entry.course.id,
            enrollments: entry.enrollments,
            completionRate: Number(entry.completionRate.toFixed(9)),
            revenue: entry.revenue,
          })),
        ).toEqual(
          ranked.map(([id, figures]) => ({
            id,
            enrollments: figures.enrollments,
            completionRate: Number((figures.enrollments ? figures.completions / figures.enrollments : 0).toFixed(9)),
            revenue: money(figures.revenue),
          })),
        );
        if (interval === "DAY") {
          for (const course of courses) {
            const courseReport = (
              await ok(COURSE_REPORT, { courseId: course.id, from, to }, course.instructor.accessToken)
            ).courseReport;
            const figures = of(course.id);
            const enrolled = t.enrollments.filter(
              (row) => row.courseId === course.id && inRange(row.enrolled) && row.status !== "CANCELLED",
            );
            const graded = t.submitted.filter(
              (row) => row.courseId === course.id && inRange(row.day) && row.points !== null,
            );
            const average = (values: number[]) =>
              values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
            expect(courseReport.course.id).toBe(course.id);
            expect(courseReport.enrollments).toBe(figures.enrollments);
            expect(courseReport.completions).toBe(figures.completions);
            expect(
              close(courseReport.completionRate, figures.enrollments ? figures.completions / figures.enrollments : 0),
            ).toBe(true);
            expect(close(courseReport.averageProgress, average(enrolled.map((row) => row.progress)))).toBe(true);
            expect(close(courseReport.averageScore, average(graded.map((row) => row.points! / row.maxPoints)))).toBe(
              true,
            );
            expect(courseReport.revenue).toEqual(money(figures.revenue));
            const weeks = new Map<string, { enrollments: number; completions: number }>();
            for (let time = from.getTime(); time < to.getTime(); time += DAY)
              weeks.set(period(isoDay(time), "WEEK"), { enrollments: 0, completions: 0 });
            for (const row of t.enrolled.filter((r) => r.courseId === course.id))
              if (inRange(row.day)) weeks.get(period(row.day!, "WEEK"))!.enrollments += 1;
            for (const row of t.enrollments.filter((r) => r.courseId === course.id))
              if (inRange(row.completed)) weeks.get(period(row.completed!, "WEEK"))!.completions += 1;
            expect(courseReport.series.map((p: any) => ({ ...p, periodStart: p.periodStart.slice(0, 10) }))).toEqual(
              [...weeks].map(([periodStart, w]) => ({ periodStart, ...w })),
            );
          }
        }
      }
      return t;
    }

    it("reports every figure as the sources' own data says", async () => {
      const t = await expectReportsMatchTruth();
      print(
        `analytics truth (${name}): ${t.users.length} user days, ${t.enrollments.length} enrollments, ` +
          `${t.orders.length} paid orders, ${t.refunds.length} refunds, ${t.submitted.length} submissions`,
      );
    }, 120_000);

    it("gives the same figures after a rebuild from the transport's history", async () => {
      const rebuild = campus.services.analytics.rebuild;
      const { transport } = campus.events;
      await campus.databases.analytics.execute(`DELETE FROM "analytics"."PlatformDay"`);
      // on PGlite the log shares analytics' one connection: read it in the rebuild's transaction
      const result = await rebuild.rebuild((tx) =>
        name === "embedded" ? eventLogHistory(inTransaction(tx), rebuild.topics) : transport.history(rebuild.topics),
      );
      print(
        `analytics rebuild (${name}, ${transport.kind}): ${result.applied} of ${result.events} events applied in ${result.ms} ms`,
      );
      expect(result.applied).toBeGreaterThan(ACTIONS / 4);
      await expectReportsMatchTruth();
    }, 120_000);

    it("a rebuild waits for the event the live consumer is applying (no deadlock)", async () => {
      if (name === "embedded")
        return print("[analytics] one PGlite connection: a rebuild and a consumer cannot overlap");
      const rebuild = campus.services.analytics.rebuild;
      const { transport } = campus.events;
      const [applied] = await campus.databases.analytics.query<{ eventId: string }>(
        `SELECT "eventId" FROM "analytics"."ProcessedEvent" WHERE "consumerGroup" = 'analytics.facts' LIMIT 1`,
      );
      let rebuilding: Promise<unknown> | undefined;
      // what the live consumer does with an event: its ProcessedEvent row first, then the tables
      await campus.databases.analytics.transaction(async (tx) => {
        await tx.execute(
          `DELETE FROM "analytics"."ProcessedEvent" WHERE "consumerGroup" = 'analytics.facts' AND "eventId" = $1`,
          [applied!.eventId],
        );
        await tx.execute(
          `INSERT INTO "analytics"."ProcessedEvent" ("consumerGroup", "eventId") VALUES ('analytics.facts', $1)`,
          [applied!.eventId],
        );
        rebuilding = rebuild.rebuild(() => transport.history(rebuild.topics));
        // until the rebuild waits for this transaction
        for (let i = 0; i < 200; i += 1) {
          const [waiting] = await campus.databases.analytics.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted`,
          );
          if (waiting!.n > 0) break;
          await pause(50);
        }
        await tx.query(`SELECT count(*) FROM "analytics"."PlatformDay"`);
        await tx.execute(`UPDATE "analytics"."PlatformDay" SET "day" = "day" WHERE false`);
      });
      await rebuilding;
      await expectReportsMatchTruth();
    }, 120_000);

    it("dead-letters an event of an unknown version with the reason, and goes on", async () => {
      const userId = randomUUID();
      const event = envelope("campus.user.registered.v2", "/campus/identity", userId, { userId, shape: "new" });
      await campus.events.transport.publish([{ topic: topicOf("identity"), event }]);
      const before = (await ok(PLATFORM_REPORT, { from, to, interval: "MONTH" }, admin.accessToken)).platformReport;
      await registerUser(campus, "After The Unknown");
      await settleEvents(campus);
      const letters = await campus.databases.analytics.query<{ consumerGroup: string; error: string }>(
        `SELECT "consumerGroup", error FROM "analytics"."DeadLetterEvent" WHERE "eventId" = $1`,
        [event.id],
      );
      expect(letters).toEqual([
        {
          consumerGroup: "analytics.facts",
          error: expect.stringContaining("unknown version campus.user.registered.v2"),
        },
      ]);
      const after = (await ok(PLATFORM_REPORT, { from, to, interval: "MONTH" }, admin.accessToken)).platformReport;
      expect(after.totals.newUsers).toBe(before.totals.newUsers + 1);
    }, 60_000);

    it("answers bad ranges with BAD_USER_INPUT and another instructor's course with NOT_FOUND", async () => {
      const code = async (query: string, variables: Record<string, unknown>, token: string) =>
        (await campus.gql(query, variables, token)).errors?.[0]?.extensions?.code;
      expect(await code(PLATFORM_REPORT, { from: to, to: from, interval: "DAY" }, admin.accessToken)).toBe(
        "BAD_USER_INPUT",
      );
      expect(await code(PLATFORM_REPORT, { from, to: from, interval: "DAY" }, admin.accessToken)).toBe(
        "BAD_USER_INPUT",
      );
      const tooLong = { from: new Date(from.getTime() - 800 * DAY), to, interval: "MONTH" };
      expect(await code(PLATFORM_REPORT, tooLong, admin.accessToken)).toBe("BAD_USER_INPUT");
      const [mine, theirs] = [courses[0]!, courses.find((c) => c.instructor.id !== courses[0]!.instructor.id)!];
      expect(await code(COURSE_REPORT, { courseId: theirs.id, from, to }, mine.instructor.accessToken)).toBe(
        "NOT_FOUND",
      );
      expect(await code(COURSE_REPORT, { courseId: randomUUID(), from, to }, admin.accessToken)).toBe("NOT_FOUND");
    }, 60_000);
  },
);
