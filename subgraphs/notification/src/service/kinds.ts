/**
 * Every kind of notification in one table: its defaults, whether its email
 * may be switched off, what triggers it (the consumer in
 * events/notices.consumer.ts maps that event to a notice) and its text.
 * Adding a kind is a value here, a row in KINDS and a handler there; the
 * enum, the preferences, the in-app list and the emails follow from the table.
 */
export enum NotificationKind {
  WELCOME = "WELCOME",
  ENROLLED = "ENROLLED",
  COURSE_COMPLETED = "COURSE_COMPLETED",
  CONTENT_ADDED = "CONTENT_ADDED",
  SUBMISSION_GRADED = "SUBMISSION_GRADED",
  SUBMISSION_RECEIVED = "SUBMISSION_RECEIVED",
  ORDER_PAID = "ORDER_PAID",
  PAYMENT_FAILED = "PAYMENT_FAILED",
  REFUND_ISSUED = "REFUND_ISSUED",
  SUBSCRIPTION_RENEWED = "SUBSCRIPTION_RENEWED",
  SUBSCRIPTION_PAST_DUE = "SUBSCRIPTION_PAST_DUE",
  INVOICE_ISSUED = "INVOICE_ISSUED",
  ASSIGNMENT_DUE_SOON = "ASSIGNMENT_DUE_SOON",
  SECURITY = "SECURITY",
}

/** The words a kind's text is made of, gathered by its trigger (titles, numbers, amounts already formatted). */
export type NoticeFacts = Record<string, string | number>;

/** What a user is told: the same title and body in the app and in the email. */
export interface NoticeText {
  title: string;
  body: string;
  /** A path in the web app, e.g. /courses/<id>. */
  link: string;
}

export interface KindSpec {
  /** What a user gets before choosing. */
  defaults: { inApp: boolean; email: boolean };
  /** Security notices always go by email: the preference cannot turn it off. */
  emailLocked: boolean;
  /** The event (or job) that makes it, for docs/notifications.md and the preferences' descriptions. */
  trigger: string;
  text(facts: NoticeFacts): NoticeText;
}

const s = (value: string | number | undefined, fallback: string) =>
  value === undefined || value === "" ? fallback : String(value);

export const KINDS: Record<NotificationKind, KindSpec> = {
  WELCOME: {
    defaults: { inApp: true, email: true },
    emailLocked: false,
    trigger: "identity: user.registered",
    text: (f) => ({
      title: `Welcome to ${s(f.product, "Campus")}`,
      body: `Hi ${s(f.name, "there")}, your account is ready. Find a course to start learning.`,
      link: "/courses",
    }),
  },
  ENROLLED: {
    defaults: { inApp: true, email: true },
    emailLocked: false,
    trigger: "enrollment: enrollment.created",
    text: (f) => ({
      title: `You are enrolled in ${s(f.course, "a course")}`,
      body: `You can start ${s(f.course, "the course")} now.`,
      link: `/courses/${f.courseId}`,
    }),
  },
  COURSE_COMPLETED: {
    defaults: { inApp: true, email: true },
    emailLocked: false,
    trigger: "enrollment: enrollment.completed",
    text: (f) => ({
      title: `You completed ${s(f.course, "a course")}`,
      body: `Congratulations on completing ${s(f.course, "the course")}!`,
      link: `/courses/${f.courseId}`,
    }),
  },
  CONTENT_ADDED: {
    defaults: { inApp: true, email: true },
    emailLocked: false,
    trigger: "content: content.published (a new item), one digest per course per window",
    text: (f) => ({
      title: `${f.count} new ${f.count === 1 ? "item" : "items"} in ${s(f.course, "your course")}`,
      body: `New in ${s(f.course, "your course")}: ${s(f.titles, "new content")}.`,
      link: `/courses/${f.courseId}`,
    }),
  },
  SUBMISSION_GRADED: {
    defaults: { inApp: true, email: true },
    emailLocked: false,
    trigger: "assessment: submission.graded",
    text: (f) => ({
      title: `${s(f.assignment, "Your submission")} was graded`,
      body: `You scored ${f.points} of ${f.maxPoints} points on ${s(f.assignment, "your submission")} (attempt ${f.attempt}).`,
      link: `/courses/${f.courseId}/assignments/${f.assignmentId}`,
    }),
  },
  SUBMISSION_RECEIVED: {
    defaults: { inApp: true, email: true },
    emailLocked: false,
    trigger: "assessment: submission.created (to the course's instructor)",
    text: (f) => ({
      title: `New submission for ${s(f.assignment, "an assignment")}`,
      body: `${s(f.learner, "A learner")} submitted ${s(f.assignment, "an assignment")} in ${s(f.course, "your course")}${f.late ? " (late)" : ""}.`,
      link: `/courses/${f.courseId}/assignments/${f.assignmentId}/submissions/${f.submissionId}`,
    }),
  },
  ORDER_PAID: {
    defaults: { inApp: true, email: true },
    emailLocked: false,
    trigger: "commerce: order.paid",
    text: (f) => ({
      title: `Payment received for order ${f.number}`,
      body: `We received ${f.amount} for order ${f.number}. Your courses are on their way.`,
      link: `/orders/${f.orderId}`,
    }),
  },
  PAYMENT_FAILED: {
    defaults: { inApp: true, email: true },
    emailLocked: false,
    trigger: "commerce: order.payment_failed",
    text: (f) => ({
      title: `Payment failed for order ${f.number}`,
      body: `The payment of ${f.amount} for order ${f.number} did not go through (${f.reason}). You can try again.`,
      link: `/orders/${f.orderId}`,
    }),
  },
  REFUND_ISSUED: {
    defaults: { inApp: true, email: true },
    emailLocked: false,
    trigger: "commerce: refund.succeeded",
    text: (f) => ({
      // refund events carry no order number: the amount names it
      title: `Your refund of ${f.amount} was issued`,
      body: `We refunded ${f.amount}. It may take a few days to show on your statement.`,
      link: `/orders/${f.orderId}`,
    }),
  },
  SUBSCRIPTION_RENEWED: {
    defaults: { inApp: true, email: true },
    emailLocked: false,
    trigger: "commerce: subscription.renewed",
    text: (f) => ({
      title: `Your ${s(f.plan, "subscription")} was renewed`,
      body: `We charged ${f.amount}. Your ${s(f.plan, "subscription")} now runs until ${f.periodEnd}.`,
      link: "/account/subscription",
    }),
  },
  SUBSCRIPTION_PAST_DUE: {
    defaults: { inApp: true, email: true },
    emailLocked: false,
    trigger: "commerce: subscription.past_due",
    text: (f) => ({
      title: `We could not renew your ${s(f.plan, "subscription")}`,
      body: `The payment of ${f.amount} did not go through (${f.reason}). We will try again on ${f.nextAttemptAt}; update your payment method to keep access.`,
      link: "/account/subscription",
    }),
  },
  INVOICE_ISSUED: {
    defaults: { inApp: true, email: false },
    emailLocked: false,
    trigger: "commerce: invoice.issued",
    text: (f) => ({
      title: `Invoice ${f.number}`,
      body: `Invoice ${f.number} for ${f.amount} is ${f.status === "PAID" ? "paid" : "issued"}. You can download it as a PDF from your invoices.`,
      link: "/account/invoices",
    }),
  },
  ASSIGNMENT_DUE_SOON: {
    defaults: { inApp: true, email: true },
    emailLocked: false,
    trigger: "assessment: assignment.published (dueAt), reminded by the scheduler before it is due",
    text: (f) => ({
      title: `${s(f.assignment, "An assignment")} is due soon`,
      body: `${s(f.assignment, "An assignment")} in ${s(f.course, "your course")} is due ${f.dueAt}.`,
      link: `/courses/${f.courseId}/assignments/${f.assignmentId}`,
    }),
  },
  SECURITY: {
    defaults: { inApp: true, email: true },
    emailLocked: true,
    trigger: "identity: user.password_changed",
    text: () => ({
      title: "Your password was changed",
      body: "Your password was changed and your other sessions were signed out. If this was not you, reset your password and contact support.",
      link: "/account/security",
    }),
  },
};

export const ALL_KINDS = Object.values(NotificationKind);

export const isKind = (value: string): value is NotificationKind => (ALL_KINDS as string[]).includes(value);

/** What a user gets for a kind: their choice, else the defaults; a locked email is always on. */
export function effectivePreference(
  kind: NotificationKind,
  chosen: { inApp: boolean; email: boolean } | undefined,
): { inApp: boolean; email: boolean } {
  const preference = chosen ?? KINDS[kind].defaults;
  return { inApp: preference.inApp, email: KINDS[kind].emailLocked || preference.email };
}

/** Integer minor units as people read them: 1999 USD → "USD 19.99". */
export function formatMoney(money: { amount: number; currency: string }): string {
  const digits = ["JPY", "KRW", "VND", "CLP", "ISK"].includes(money.currency) ? 0 : 2;
  return `${money.currency} ${(money.amount / 10 ** digits).toFixed(digits)}`;
}
