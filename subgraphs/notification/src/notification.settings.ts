import { optionalUrlSetting, positiveInt, z } from "@campus/config";

/** Notification's own settings (docs/notifications.md, docs/configuration.md). */
export const notificationSettings = {
  /** The web app's base URL: every notification's `link` and every email's button open APP_URL + link. */
  APP_URL: z.string().url("must be a URL, e.g. https://campus.example").default("http://localhost:4000"),
  /** The name emails are signed with and subjects start with. */
  PRODUCT_NAME: z.string().min(1).default("Campus"),
  /** The From of every email. */
  MAIL_FROM: z.string().min(3).default("Campus <no-reply@campus.test>"),
  /** smtp://user:pass@host:port (smtps:// for TLS): emails go through that server; unset, into .eml files under DATA_DIR/mail. */
  SMTP_URL: optionalUrlSetting,
  /** Where recipients reach this subgraph's /unsubscribe route; unset, its own URL (fine on one machine). */
  NOTIFICATION_PUBLIC_URL: optionalUrlSetting,
  /** New content of a course is told once per learner per window of this length (a digest, not one per file). */
  NOTIFICATION_DIGEST_WINDOW_MS: positiveInt(10 * 60_000),
  /** How long before an assignment's due date its learners are reminded. */
  NOTIFICATION_REMINDER_LEAD_HOURS: positiveInt(24),
  /** How long an email decided before its user's registration was heard waits for the address, then is dropped. */
  NOTIFICATION_ADDRESS_WAIT_HOURS: positiveInt(24),
  /** How often the scheduler looks for ended digest windows and assignments coming due. */
  NOTIFICATION_SCHEDULER_POLL_MS: positiveInt(1000),
  /** How often the sender looks for queued emails when none was queued by this process. */
  NOTIFICATION_SEND_POLL_MS: positiveInt(500),
  /** Attempts per email before it is FAILED. */
  NOTIFICATION_SEND_MAX_ATTEMPTS: positiveInt(5),
  /** The wait after the first failed attempt; doubled after each further one. */
  NOTIFICATION_SEND_BACKOFF_MS: positiveInt(30_000),
};
