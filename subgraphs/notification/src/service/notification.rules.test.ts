import { appLink, renderEmail } from "./email-template";
import { retryDelay } from "./email-sender";
import { digestWindow } from "../events/notices.consumer";
import { ALL_KINDS, effectivePreference, formatMoney, KINDS, NotificationKind } from "./kinds";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { UnsubscribeTokens, unsubscribeSecret } from "./unsubscribe-token";

const USER = "0b6f3c1e-8f43-4e55-9d51-3a7ac1e2c9a1";

describe("kinds", () => {
  it("the contract's kinds are all there, each with defaults, a trigger and a text with a link into the app", () => {
    for (const kind of [
      "WELCOME",
      "ENROLLED",
      "COURSE_COMPLETED",
      "CONTENT_ADDED",
      "SUBMISSION_GRADED",
      "SUBMISSION_RECEIVED",
      "ORDER_PAID",
      "PAYMENT_FAILED",
      "REFUND_ISSUED",
      "SUBSCRIPTION_RENEWED",
      "SUBSCRIPTION_PAST_DUE",
      "INVOICE_ISSUED",
      "ASSIGNMENT_DUE_SOON",
      "SECURITY",
    ]) {
      expect(ALL_KINDS).toContain(kind);
    }
    for (const kind of ALL_KINDS) {
      const text = KINDS[kind].text({ courseId: "c", assignmentId: "a", orderId: "o", submissionId: "s", count: 1 });
      expect(text.title.length).toBeGreaterThan(0);
      expect(text.link).toMatch(/^\//);
      expect(KINDS[kind].trigger.length).toBeGreaterThan(0);
    }
  });

  it("a user's choice wins over the defaults, except that SECURITY email is always on", () => {
    expect(effectivePreference(NotificationKind.ENROLLED, undefined)).toEqual({ inApp: true, email: true });
    expect(effectivePreference(NotificationKind.ENROLLED, { inApp: false, email: false })).toEqual({
      inApp: false,
      email: false,
    });
    expect(effectivePreference(NotificationKind.SECURITY, { inApp: false, email: false })).toEqual({
      inApp: false,
      email: true,
    });
    expect(ALL_KINDS.filter((kind) => KINDS[kind].emailLocked)).toEqual(["SECURITY"]);
  });

  it("formats money as people read it", () => {
    expect(formatMoney({ amount: 1999, currency: "USD" })).toBe("USD 19.99");
    expect(formatMoney({ amount: 500, currency: "JPY" })).toBe("JPY 500");
  });
});

describe("digest windows", () => {
  it("are aligned, so every item and replica agree on one window", () => {
    const window = digestWindow(new Date(10_500), 1000);
    expect(window).toEqual({ start: new Date(10_000), end: new Date(11_000) });
    expect(digestWindow(new Date(10_999), 1000).start).toEqual(window.start);
    expect(digestWindow(new Date(11_000), 1000).start).toEqual(new Date(11_000));
  });
});

describe("retries", () => {
  it("back off exponentially, with a ceiling", () => {
    expect([1, 2, 3, 4].map((attempts) => retryDelay(attempts, 1000))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelay(40, 30_000)).toBe(6 * 60 * 60_000);
  });
});

describe("unsubscribe tokens", () => {
  const tokens = new UnsubscribeTokens("a secret of the deployment, long enough");

  it("name the user and kind they were signed for", () => {
    expect(tokens.verify(tokens.sign(USER, NotificationKind.ENROLLED))).toEqual({ userId: USER, kind: "ENROLLED" });
  });

  it("are signed with INTERNAL_AUTH_SECRET in production, elsewhere with a key kept in the data directory", () => {
    expect(unsubscribeSecret("the internal secret", { production: false })).toBe("the internal secret");
    const dir = mkdtempSync(path.join(os.tmpdir(), "campus-unsubscribe-"));
    try {
      expect(unsubscribeSecret("shared by the replicas", { production: true, dataDir: dir })).toBe(
        "shared by the replicas",
      );
      const first = unsubscribeSecret("secret of one start", { production: false, dataDir: dir });
      expect(first).not.toBe("secret of one start");
      expect(unsubscribeSecret("secret of the next start", { production: false, dataDir: dir })).toBe(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuse tampering, another key, locked kinds and garbage", () => {
    const token = tokens.sign(USER, NotificationKind.ENROLLED);
    const [, mac] = token.split(".");
    const other = Buffer.from(`${USER}:WELCOME`).toString("base64url");
    expect(tokens.verify(`${other}.${mac}`)).toBeUndefined();
    expect(new UnsubscribeTokens("another secret").verify(token)).toBeUndefined();
    expect(tokens.verify(tokens.sign(USER, NotificationKind.SECURITY))).toBeUndefined();
    for (const garbage of ["", ".", "abc", `${token}x`]) expect(tokens.verify(garbage)).toBeUndefined();
  });
});

describe("email template", () => {
  const notice = { title: "Welcome <to> Campus", body: "Hi & welcome", link: "/courses" };

  it("has the product's name, the notice in text and escaped HTML, a link into the app and the unsubscribe link", () => {
    const email = renderEmail(NotificationKind.WELCOME, notice, "Mina", {
      productName: "Campus",
      appUrl: "https://app.example/",
      unsubscribeUrl: "https://n.example/unsubscribe?token=t",
    });
    expect(email.subject).toBe("[Campus] Welcome <to> Campus");
    expect(email.text).toContain("Open in Campus: https://app.example/courses");
    expect(email.text).toContain("Unsubscribe from these emails: https://n.example/unsubscribe?token=t");
    expect(email.html).toContain("Welcome &lt;to&gt; Campus");
    expect(email.html).toContain('href="https://app.example/courses"');
    expect(email.headers["List-Unsubscribe"]).toBe("<https://n.example/unsubscribe?token=t>");
  });

  it("a security notice has no unsubscribe link and says why it is always sent", () => {
    const email = renderEmail(NotificationKind.SECURITY, notice, "Mina", {
      productName: "Campus",
      appUrl: "https://app.example",
    });
    expect(email.text).not.toMatch(/unsubscribe/i);
    expect(email.headers["List-Unsubscribe"]).toBeUndefined();
    expect(email.text).toContain("always sent");
  });

  it("joins APP_URL and a path with one slash", () => {
    expect(appLink("https://a.example/", "/x")).toBe("https://a.example/x");
    expect(appLink("https://a.example", "/x")).toBe("https://a.example/x");
  });
});
