import { randomUUID } from "node:crypto";
import { userPasswordChanged, userRegistered } from "@campus/events";
import {
  backends,
  operation,
  registerAdmin,
  registerInstructor,
  registerUser,
  settleEvents,
  startSmtpServer,
  startTestCampus,
  type ReceivedMail,
  type TestCampus,
  type TestSmtpServer,
  type TestUser,
} from "../support";

/**
 * Notifications as people get them, through the router with the engagement
 * contract's operations as written, on both backends: every kind arrives in
 * the app and as an email at a real SMTP server (`smtp-server`, started
 * here), with the recipient, the headers and a working link into the app and
 * to unsubscribe; preferences are respected; the whole event log delivered
 * again makes no second notification or email; a server that refuses leaves
 * FAILED rows admins can see, and the in-app notices stand.
 */
const NOTIFICATIONS = operation("engagement", "Notifications");
const MARK_READ = operation("engagement", "MarkNotificationsRead");
const PREFERENCES = operation("engagement", "NotificationPreferences");
const SET_PREFERENCE = operation("engagement", "SetNotificationPreference");
const DELIVERIES = operation("engagement", "EmailDeliveries");
const CREATE_COURSE = operation("mvp", "CreateCourse");
const ADD_MODULE = operation("mvp", "AddModule");
const PUBLISH = operation("mvp", "PublishCourse");
const ENROLL = operation("mvp", "Enroll");
const UPDATE_PROGRESS = operation("mvp", "UpdateProgress");
const ADD_CONTENT = operation("learning", "AddContent");
const CREATE_ASSIGNMENT = operation("learning", "CreateAssignment");
const PUBLISH_ASSIGNMENT = operation("learning", "PublishAssignment");
const SUBMIT = operation("learning", "SubmitAssignment");
const GRADE = operation("learning", "GradeSubmission");
const ADD_TO_CART = operation("commerce", "AddToCart");
const CHECKOUT = operation("commerce", "Checkout");
const REFUND = operation("commerce", "RequestRefund");
const CREATE_PLAN = operation("commerce", "CreatePlan");
const SUBSCRIBE = operation("commerce", "Subscribe");
const CHANGE_PASSWORD = `mutation($current: String!, $next: String!) { changePassword(currentPassword: $current, newPassword: $next) }`;

const APP_URL = "https://app.campus.example";
const DIGEST_WINDOW_MS = 3000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(backends({ kafka: true }).map((backend) => [backend.name, backend] as const))(
  "notifications through the router (%s)",
  (_name, backend) => {
    let campus: TestCampus;
    let smtp: TestSmtpServer;
    let instructor: TestUser;
    let admin: TestUser;

    beforeAll(async () => {
      smtp = await startSmtpServer();
      campus = await startTestCampus(backend, {
        SMTP_URL: smtp.url,
        APP_URL,
        PRODUCT_NAME: "Campus",
        NOTIFICATION_DIGEST_WINDOW_MS: String(DIGEST_WINDOW_MS),
        NOTIFICATION_SCHEDULER_POLL_MS: "100",
        NOTIFICATION_SEND_POLL_MS: "50",
        NOTIFICATION_SEND_MAX_ATTEMPTS: "3",
        NOTIFICATION_SEND_BACKOFF_MS: "50",
      });
      instructor = await registerInstructor(campus, "Ines Instructor");
      admin = await registerAdmin(campus);
    }, 300_000);
    afterAll(async () => {
      await campus?.stop();
      await smtp?.close();
    });

    async function ok(query: string, variables: Record<string, unknown> = {}, token?: string) {
      const result = await campus.gql(query, variables, token);
      expect(result.errors).toBeUndefined();
      return result.data;
    }

    async function notices(user: TestUser, unreadOnly = false) {
      return (await ok(NOTIFICATIONS, { first: 100, unreadOnly }, user.accessToken)).notifications;
    }

    async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = await probe();
        if (found !== undefined) return found;
        if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
        await pause(50);
      }
    }

    /** The user's one notification of this kind, once it is there. */
    const noticeOf = (user: TestUser, kind: string) =>
      until(`${kind} notification`, async () => {
        const list = await notices(user);
        return list.edges.map((edge: any) => edge.node).find((node: any) => node.kind === kind);
      });

    const mailsTo = (email: string, kind?: string) =>
      smtp.received.filter(
        (mail) => mail.rcptTo.includes(email) && (!kind || mail.parsed.headers.get("x-campus-notification") === kind),
      );

    const mailOf = (user: TestUser, kind: string) =>
      until(`${kind} email`, async () => {
        const found = mailsTo(user.email, kind);
        return found.length > 0 ? found[0] : undefined;
      });

    const unsubscribeUrl = (mail: ReceivedMail) => {
      const line = mail.parsed.headerLines.find((header) => header.key === "list-unsubscribe")?.line;
      return line?.replace(/\r?\n[ \t]+/g, "").match(/<([^>]+)>/)?.[1];
    };

    /** An email as it should be: to the user, the product's name, the notice, a link into the app. */
    function expectMail(mail: ReceivedMail, user: TestUser, notice: { title: string; link: string }, locked = false) {
      expect(mail.rcptTo).toEqual([user.email]);
      expect(mail.parsed.subject).toBe(`[Campus] ${notice.title}`);
      expect(mail.parsed.from?.text).toContain("Campus");
      expect(mail.parsed.text).toContain(`${APP_URL}${notice.link}`);
      expect(mail.parsed.html).toContain(`href="${APP_URL}${notice.link}"`);
      if (locked) expect(unsubscribeUrl(mail)).toBeUndefined();
      else {
        expect(unsubscribeUrl(mail)).toMatch(/\/unsubscribe\?token=/);
        expect(mail.parsed.text).toContain(unsubscribeUrl(mail));
      }
    }

    async function course(options: { price?: number; modules?: number } = {}) {
      const input = {
        title: `Notified ${randomUUID().slice(0, 8)}`,
        description: "Everything worth telling",
        level: "BEGINNER",
        price: { amount: options.price ?? 0, currency: "USD" },
      };
      const id = (await ok(CREATE_COURSE, { input }, instructor.accessToken)).createCourse.id as string;
      const moduleIds: string[] = [];
      for (let i = 0; i < (options.modules ?? 1); i += 1) {
        moduleIds.push(
          (await ok(ADD_MODULE, { courseId: id, input: { title: `Module ${i + 1}` } }, instructor.accessToken))
            .addModule.id,
        );
      }
      await ok(PUBLISH, { id }, instructor.accessToken);
      return { id, title: input.title, moduleIds };
    }

    async function addArticle(moduleId: string, title: string) {
      await ok(
        ADD_CONTENT,
        { moduleId, input: { kind: "ARTICLE", title, body: `# ${title}` } },
        instructor.accessToken,
      );
    }

    it("tells a learner and an instructor of every kind, in the app and by email, each once", async () => {
      const learner = await registerUser(campus, "Mina Park");

      // WELCOME
      const welcome = await noticeOf(learner, "WELCOME");
      expect(welcome).toMatchObject({ title: "Welcome to Campus", link: "/courses", readAt: null });
      expectMail(await mailOf(learner, "WELCOME"), learner, welcome);

      // ENROLLED
      const free = await course({ modules: 1 });
      const enrollment = (await ok(ENROLL, { courseId: free.id }, learner.accessToken)).enroll;
      const enrolled = await noticeOf(learner, "ENROLLED");
      expect(enrolled).toMatchObject({ title: `You are enrolled in ${free.title}`, link: `/courses/${free.id}` });
      expectMail(await mailOf(learner, "ENROLLED"), learner, enrolled);

      // CONTENT_ADDED: two articles in one digest window make one digest
      await pause(DIGEST_WINDOW_MS - (Date.now() % DIGEST_WINDOW_MS) + 20);
      await addArticle(free.moduleIds[0]!, "First steps");
      await addArticle(free.moduleIds[0]!, "Second steps");
      const digest = await noticeOf(learner, "CONTENT_ADDED");
      expect(digest.title).toBe(`2 new items in ${free.title}`);
      expect(digest.body).toContain("First steps, Second steps");
      expectMail(await mailOf(learner, "CONTENT_ADDED"), learner, digest);

      // ASSIGNMENT_DUE_SOON: due in 2 h, within the 24 h lead, so reminded at once
      const dueAt = new Date(Date.now() + 2 * 3_600_000).toISOString();
      const assignment = (
        await ok(
          CREATE_ASSIGNMENT,
          {
            courseId: free.id,
            input: { title: "Reflection essay", instructions: "Write", kind: "ESSAY", maxPoints: 10, dueAt },
          },
          instructor.accessToken,
        )
      ).createAssignment;
      await ok(PUBLISH_ASSIGNMENT, { id: assignment.id }, instructor.accessToken);
      const due = await noticeOf(learner, "ASSIGNMENT_DUE_SOON");
      expect(due.title).toBe("Reflection essay is due soon");
      expect(due.link).toBe(`/courses/${free.id}/assignments/${assignment.id}`);
      expectMail(await mailOf(learner, "ASSIGNMENT_DUE_SOON"), learner, due);

      // SUBMISSION_RECEIVED (to the instructor), SUBMISSION_GRADED (to the learner)
      const submission = (
        await ok(SUBMIT, { assignmentId: assignment.id, input: { text: "My thoughts" } }, learner.accessToken)
      ).submitAssignment.submission;
      const received = await noticeOf(instructor, "SUBMISSION_RECEIVED");
      expect(received.body).toContain("Mina Park submitted Reflection essay");
      expectMail(await mailOf(instructor, "SUBMISSION_RECEIVED"), instructor, received);
      await ok(GRADE, { submissionId: submission.id, points: 8, feedback: "Good" }, instructor.accessToken);
      const graded = await noticeOf(learner, "SUBMISSION_GRADED");
      expect(graded.body).toContain("8 of 10 points");
      expectMail(await mailOf(learner, "SUBMISSION_GRADED"), learner, graded);

      // COURSE_COMPLETED
      await ok(
        UPDATE_PROGRESS,
        { enrollmentId: enrollment.id, moduleId: free.moduleIds[0], completed: true },
        learner.accessToken,
      );
      const completed = await noticeOf(learner, "COURSE_COMPLETED");
      expect(completed.title).toBe(`You completed ${free.title}`);
      expectMail(await mailOf(learner, "COURSE_COMPLETED"), learner, completed);

      // ORDER_PAID, REFUND_ISSUED
      const paid = await course({ price: 2500 });
      await ok(ADD_TO_CART, { courseId: paid.id }, learner.accessToken);
      const order = (
        await ok(
          CHECKOUT,
          { input: { idempotencyKey: `notify-${randomUUID()}`, paymentMethod: "pm_card_visa" } },
          learner.accessToken,
        )
      ).checkout.order;
      const orderPaid = await noticeOf(learner, "ORDER_PAID");
      expect(orderPaid.title).toBe(`Payment received for order ${order.number}`);
      expect(orderPaid.body).toContain("USD 25.00");
      expectMail(await mailOf(learner, "ORDER_PAID"), learner, orderPaid);
      await until("order fulfilled", async () => {
        const result = await campus.gql(REFUND, { orderId: order.id, reason: "changed my mind" }, learner.accessToken);
        return result.errors ? undefined : result.data;
      });
      const refunded = await noticeOf(learner, "REFUND_ISSUED");
      expect(refunded.title).toBe("Your refund of USD 25.00 was issued");
      expectMail(await mailOf(learner, "REFUND_ISSUED"), learner, refunded);

      // PAYMENT_FAILED
      const declined = await course({ price: 1900 });
      await ok(ADD_TO_CART, { courseId: declined.id }, learner.accessToken);
      const declinedOrder = (
        await ok(
          CHECKOUT,
          { input: { idempotencyKey: `notify-${randomUUID()}`, paymentMethod: "pm_card_chargeDeclined" } },
          learner.accessToken,
        )
      ).checkout.order;
      const failed = await noticeOf(learner, "PAYMENT_FAILED");
      expect(failed.title).toBe(`Payment failed for order ${declinedOrder.number}`);
      expect(failed.body).toContain(`USD ${(declinedOrder.total.amount / 100).toFixed(2)}`);
      expectMail(await mailOf(learner, "PAYMENT_FAILED"), learner, failed);

      // SECURITY: no unsubscribe link
      await ok(CHANGE_PASSWORD, { current: learner.password, next: "another sturdy passphrase" }, learner.accessToken);
      const security = await noticeOf(learner, "SECURITY");
      expectMail(await mailOf(learner, "SECURITY"), learner, security, true);

      // each once, in the app and by email; only the learner's own in their list
      await settleEvents(campus);
      const list = await notices(learner);
      const kinds = list.edges.map((edge: any) => edge.node.kind).sort();
      expect(kinds).toEqual(
        [
          "WELCOME",
          "ENROLLED",
          // the paid course's enrollment, granted by the order
          "ENROLLED",
          "CONTENT_ADDED",
          "ASSIGNMENT_DUE_SOON",
          "SUBMISSION_GRADED",
          "COURSE_COMPLETED",
          "ORDER_PAID",
          "REFUND_ISSUED",
          "PAYMENT_FAILED",
          "SECURITY",
        ].sort(),
      );
      expect(list.totalCount).toBe(11);
      expect(list.unreadCount).toBe(11);
      expect(mailsTo(learner.email)).toHaveLength(11);
      expect((await notices(instructor)).edges.some((edge: any) => edge.node.kind === "ENROLLED")).toBe(false);
    }, 120_000);

    it("tells subscribers of invoices, renewals and failed renewals", async () => {
      const plan = async (trialDays: number | null) =>
        (
          await ok(
            CREATE_PLAN,
            {
              input: {
                name: `Notice Plan ${randomUUID().slice(0, 8)}`,
                description: "monthly",
                interval: "MONTH",
                price: { amount: 1500, currency: "EUR" },
                trialDays,
              },
            },
            admin.accessToken,
          )
        ).createPlan;
      const subscribe = async (user: TestUser, planId: string, paymentMethod: string) =>
        (await ok(SUBSCRIBE, { input: { planId, paymentMethod, idempotencyKey: randomUUID() } }, user.accessToken))
          .subscribe;
      const renewals = (campus.services.commerce as any).renewals;

      const paying = await registerUser(campus, "Sue Scriber");
      const monthly = await plan(null);
      const sub = await subscribe(paying, monthly.id, "pm_card_visa");
      const issued = await noticeOf(paying, "INVOICE_ISSUED");
      expect(issued).toMatchObject({ title: `Invoice ${sub.latestInvoice.number}`, link: "/account/invoices" });
      await renewals.sweep(new Date(Date.parse(sub.currentPeriodEnd) + 1000));
      const renewed = await noticeOf(paying, "SUBSCRIPTION_RENEWED");
      expect(renewed.title).toBe(`Your ${monthly.name} was renewed`);
      expect(renewed.body).toContain("EUR 15.00");
      expectMail(await mailOf(paying, "SUBSCRIPTION_RENEWED"), paying, renewed);

      const failing = await registerUser(campus, "Fay Ling");
      const withTrial = await plan(3);
      const trial = await subscribe(failing, withTrial.id, "pm_card_chargeCustomerFail");
      expect(trial.status).toBe("TRIALING");
      await renewals.sweep(new Date(Date.parse(trial.currentPeriodEnd) + 1000));
      const pastDue = await noticeOf(failing, "SUBSCRIPTION_PAST_DUE");
      expect(pastDue.title).toBe(`We could not renew your ${withTrial.name}`);
      expect(pastDue.body).toContain("card_declined");
      expectMail(await mailOf(failing, "SUBSCRIPTION_PAST_DUE"), failing, pastDue);
      // invoices are in the app only by default
      await settleEvents(campus);
      expect(mailsTo(paying.email, "INVOICE_ISSUED")).toHaveLength(0);
    }, 120_000);

    it("pages, counts and marks read only the user's own notifications", async () => {
      const learner = await registerUser(campus, "Pat Pager");
      const other = await registerUser(campus, "Olli Other");
      const free = await course();
      await ok(ENROLL, { courseId: free.id }, learner.accessToken);
      await noticeOf(learner, "ENROLLED");
      const otherWelcome = await noticeOf(other, "WELCOME");

      const first = (await ok(NOTIFICATIONS, { first: 1 }, learner.accessToken)).notifications;
      expect(first).toMatchObject({ totalCount: 2, unreadCount: 2, pageInfo: { hasNextPage: true } });
      expect(first.edges[0].node.kind).toBe("ENROLLED");
      const second = (await ok(NOTIFICATIONS, { first: 1, after: first.pageInfo.endCursor }, learner.accessToken))
        .notifications;
      expect(second.edges.map((edge: any) => edge.node.kind)).toEqual(["WELCOME"]);
      expect(second.pageInfo.hasNextPage).toBe(false);

      // someone else's id: no effect, no error, nothing told
      const foreign = await ok(MARK_READ, { ids: [otherWelcome.id, "not-an-id"] }, learner.accessToken);
      expect(foreign.markNotificationsRead.unreadCount).toBe(2);
      expect((await notices(other)).unreadCount).toBe(1);

      const some = await ok(MARK_READ, { ids: [first.edges[0].node.id] }, learner.accessToken);
      expect(some.markNotificationsRead.unreadCount).toBe(1);
      const unread = await notices(learner, true);
      expect(unread).toMatchObject({ totalCount: 1, unreadCount: 1 });
      expect(unread.edges[0].node.kind).toBe("WELCOME");
      expect((await ok(MARK_READ, {}, learner.accessToken)).markNotificationsRead.unreadCount).toBe(0);
      expect((await notices(learner)).edges.every((edge: any) => edge.node.readAt !== null)).toBe(true);
      expect((await notices(other)).unreadCount).toBe(1);

      const bad = await campus.gql(NOTIFICATIONS, { first: 5, after: "forged" }, learner.accessToken);
      expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      const anonymous = await campus.gql(NOTIFICATIONS, { first: 5 });
      expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    }, 60_000);

    it("respects preferences: off means no email or no notice; SECURITY email cannot be switched off; unsubscribe links work", async () => {
      const learner = await registerUser(campus, "Quinn Quiet");
      const preferences = (await ok(PREFERENCES, {}, learner.accessToken)).notificationPreferences;
      expect(preferences).toContainEqual({ kind: "SECURITY", inApp: true, email: true });
      expect(preferences).toContainEqual({ kind: "ENROLLED", inApp: true, email: true });

      const refused = await campus.gql(
        SET_PREFERENCE,
        { kind: "SECURITY", inApp: true, email: false },
        learner.accessToken,
      );
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "email" });

      // ENROLLED: in the app only; COURSE_COMPLETED: nothing at all
      expect(
        (await ok(SET_PREFERENCE, { kind: "ENROLLED", inApp: true, email: false }, learner.accessToken))
          .setNotificationPreference,
      ).toEqual({ kind: "ENROLLED", inApp: true, email: false });
      await ok(SET_PREFERENCE, { kind: "COURSE_COMPLETED", inApp: false, email: false }, learner.accessToken);
      const free = await course();
      const enrollment = (await ok(ENROLL, { courseId: free.id }, learner.accessToken)).enroll;
      await ok(
        UPDATE_PROGRESS,
        { enrollmentId: enrollment.id, moduleId: free.moduleIds[0], completed: true },
        learner.accessToken,
      );
      await noticeOf(learner, "ENROLLED");
      await settleEvents(campus);
      expect(mailsTo(learner.email, "ENROLLED")).toHaveLength(0);
      expect(mailsTo(learner.email, "COURSE_COMPLETED")).toHaveLength(0);
      expect((await notices(learner)).edges.map((edge: any) => edge.node.kind).sort()).toEqual(["ENROLLED", "WELCOME"]);

      // the WELCOME email's unsubscribe link: GET shows a form and changes nothing, POST unsubscribes
      const link = unsubscribeUrl(await mailOf(learner, "WELCOME"))!;
      const page = await fetch(link);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<form method="post">');
      expect((await ok(PREFERENCES, {}, learner.accessToken)).notificationPreferences).toContainEqual({
        kind: "WELCOME",
        inApp: true,
        email: true,
      });
      const done = await fetch(link, { method: "POST", body: "List-Unsubscribe=One-Click" });
      expect(done.status).toBe(200);
      expect((await ok(PREFERENCES, {}, learner.accessToken)).notificationPreferences).toContainEqual({
        kind: "WELCOME",
        inApp: true,
        email: false,
      });
      const forged = await fetch(
        link.replace(/token=[^.]+/, `token=${Buffer.from(`${learner.id}:SECURITY`).toString("base64url")}`),
        {
          method: "POST",
        },
      );
      expect(forged.status).toBe(400);
    }, 60_000);

    it("delivering the whole event log again creates no second notification or email", async () => {
      await settleEvents(campus);
      const count = async (table: string) =>
        (
          await campus.databases.notification.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM "notification"."${table}"`,
          )
        )[0]!.n;
      const before = {
        notifications: await count("Notification"),
        emails: await count("EmailDelivery"),
        received: smtp.received.length,
      };
      expect(before.notifications).toBeGreaterThan(10);

      // forget what was applied, then hand every published event of every other subgraph to the transport again
      await campus.databases.notification.query(`DELETE FROM "notification"."ProcessedEvent"`);
      let replayed = 0;
      for (const name of Object.keys(campus.databases)) {
        if (name === "notification") continue;
        const rows = await campus.databases[name]!.query<{ topic: string; event: any }>(
          `SELECT "topic", "event" FROM "${name}"."OutboxEvent" WHERE "publishedAt" IS NOT NULL ORDER BY "seq"`,
        );
        await campus.events.transport.publish(rows.map((row) => ({ topic: row.topic, event: row.event })));
        replayed += rows.length;
      }
      expect(replayed).toBeGreaterThan(20);
      await settleEvents(campus);
      await pause(DIGEST_WINDOW_MS + 300);
      await settleEvents(campus);
      expect({
        notifications: await count("Notification"),
        emails: await count("EmailDelivery"),
        received: smtp.received.length,
      }).toEqual(before);
    }, 120_000);

    it("an email decided before the user's registration is heard waits for the address, then goes", async () => {
      // identity's events in the other order, as a consumer of several partitions can hear them
      const userId = randomUUID();
      const email = `late-${userId.slice(0, 8)}@campus.test`;
      await campus.events.transport.publish([
        { topic: userPasswordChanged.topic, event: userPasswordChanged.create("identity", userId, { userId }) },
      ]);
      await settleEvents(campus);
      const security = await campus.databases.notification.query<{ kind: string }>(
        `SELECT "kind" FROM "notification"."PendingEmail" WHERE "userId" = $1`,
        [userId],
      );
      expect(security).toEqual([{ kind: "SECURITY" }]);

      await campus.events.transport.publish([
        {
          topic: userRegistered.topic,
          event: userRegistered.create("identity", userId, { userId, email, name: "Lena Late", roles: ["LEARNER"] }),
        },
      ]);
      await settleEvents(campus);
      const mail = await mailOf({ email } as TestUser, "SECURITY");
      expect(mail.parsed.text).toContain("Hi Lena Late,");
      await mailOf({ email } as TestUser, "WELCOME");
      const waiting = await campus.databases.notification.query(
        `SELECT 1 FROM "notification"."PendingEmail" WHERE "userId" = $1`,
        [userId],
      );
      expect(waiting).toHaveLength(0);

      // a user never heard of: the email is dropped after the wait, and only then
      const stranger = randomUUID();
      const insert = `INSERT INTO "notification"."PendingEmail" ("userId", "kind", "sourceId", "title", "body", "link", "createdAt")
        VALUES ($1, 'SECURITY', $2, 't', 'b', '/', now() - $3::interval)`;
      await campus.databases.notification.query(insert, [stranger, "fresh", "1 hour"]);
      await campus.databases.notification.query(insert, [stranger, "stale", "25 hours"]);
      await campus.services.notification.scheduler.runOnce();
      const left = await campus.databases.notification.query<{ sourceId: string }>(
        `SELECT "sourceId" FROM "notification"."PendingEmail" WHERE "userId" = $1`,
        [stranger],
      );
      expect(left).toEqual([{ sourceId: "fresh" }]);
    }, 60_000);

    it("senders racing for the outbox send each email once (claims, as on several replicas)", async () => {
      const { sender, scheduler } = campus.services.notification;
      const users = await Promise.all([1, 2, 3, 4, 5].map((i) => registerUser(campus, `Racer ${i}`)));
      await Promise.all(users.map((user) => noticeOf(user, "WELCOME")));
      // the background loop and four more drains and scheduler passes at once
      await Promise.all([sender.drain(), sender.drain(), sender.drain(), sender.drain(), scheduler.runOnce()]);
      await settleEvents(campus);
      for (const user of users) expect(mailsTo(user.email, "WELCOME")).toHaveLength(1);
    }, 60_000);

    it("a server that refuses: FAILED after the retries, BOUNCED for a refused recipient, visible to admins; the notices stand", async () => {
      smtp.refuse = "connect";
      const learner = await registerUser(campus, "Rita Refused");
      await noticeOf(learner, "WELCOME");
      const failed = await until("FAILED delivery", async () => {
        const page = (await ok(DELIVERIES, { first: 50, status: "FAILED" }, admin.accessToken)).emailDeliveries;
        return page.edges.map((edge: any) => edge.node).find((node: any) => node.to === learner.email);
      });
      expect(failed).toMatchObject({ kind: "WELCOME", status: "FAILED", attempts: 3, sentAt: null });
      expect(failed.lastError).toMatch(/421|not available/i);
      expect(mailsTo(learner.email)).toHaveLength(0);

      smtp.refuse = "recipient";
      const bounced = await registerUser(campus, "Bo Bounce");
      const row = await until("BOUNCED delivery", async () => {
        const page = (await ok(DELIVERIES, { first: 50, status: "BOUNCED" }, admin.accessToken)).emailDeliveries;
        return page.edges.map((edge: any) => edge.node).find((node: any) => node.to === bounced.email);
      });
      expect(row).toMatchObject({ status: "BOUNCED", attempts: 1 });
      smtp.refuse = undefined;

      const sent = (await ok(DELIVERIES, { first: 2, status: "SENT" }, admin.accessToken)).emailDeliveries;
      expect(sent.totalCount).toBeGreaterThan(10);
      expect(sent.pageInfo.hasNextPage).toBe(true);
      expect(sent.edges[0].node.sentAt).not.toBeNull();
      const learnerAsks = await campus.gql(DELIVERIES, { first: 2 }, learner.accessToken);
      expect(learnerAsks.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    }, 60_000);
  },
);
