import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { simpleParser, type ParsedMail } from "mailparser";
import {
  MailBouncedError,
  SinkMailTransport,
  SmtpMailTransport,
  type MailMessage,
  type MailTransport,
} from "@campus/notification";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp";

/**
 * One contract, two transports: SMTP through nodemailer against a real
 * `smtp-server` started here (production's shape), and the sink that keeps
 * each message as an .eml file (the embedded default). What a recipient's
 * mail program sees must be the same: both parts, the headers, the links.
 * Then what only SMTP can do: a server that refuses for now (an error the
 * sender retries), a recipient refused for good (a bounce), no server at all.
 */
const scratch = mkdtempSync(path.join(os.tmpdir(), "campus-mail-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Harness {
  transport: MailTransport;
  /** What arrived, parsed as a mail program would, with the envelope's recipients. */
  delivered(): Promise<{ rcptTo: string[]; parsed: ParsedMail }[]>;
  close(): Promise<void>;
}

async function smtpHarness(): Promise<Harness> {
  const server = await startSmtpServer();
  const transport = new SmtpMailTransport(server.url, { timeoutMs: 5_000 });
  return {
    transport,
    delivered: async () => server.received.map(({ rcptTo, parsed }) => ({ rcptTo, parsed })),
    close: async () => (await transport.close(), await server.close()),
  };
}

let sinks = 0;
async function sinkHarness(): Promise<Harness> {
  const dir = path.join(scratch, `mail-${(sinks += 1)}`);
  const transport = new SinkMailTransport(dir);
  return {
    transport,
    delivered: async () => {
      let files: string[] = [];
      try {
        files = readdirSync(dir)
          .filter((file) => file.endsWith(".eml"))
          .sort();
      } catch {
        return [];
      }
      return Promise.all(
        files.map(async (file) => {
          const parsed = await simpleParser(readFileSync(path.join(dir, file)));
          const to = Array.isArray(parsed.to) ? parsed.to : parsed.to ? [parsed.to] : [];
          return { rcptTo: to.flatMap((address) => address.value.map((value) => value.address!)), parsed };
        }),
      );
    },
    close: () => transport.close(),
  };
}

const LINK =
  "https://app.campus.example/courses/0b6f3c1e-8f43-4e55-9d51-3a7ac1e2c9a1/assignments/5d1f9a44-1b2c-4d3e-8f90-123456789abc";
const UNSUBSCRIBE = `https://notify.campus.example/unsubscribe?token=${"x".repeat(120)}.abc`;

const message = (to: string, subject = "[Campus] Ünïcode — grades are in"): MailMessage => ({
  from: "Campus <no-reply@campus.test>",
  to,
  subject,
  text: `Hi Mina,\n\nYour essay was graded.\n\nOpen in Campus: ${LINK}\n`,
  html: `<p>Hi Mina,</p><p>Your essay was graded.</p><p><a href="${LINK}">Open in Campus</a></p>`,
  headers: {
    "X-Campus-Notification": "SUBMISSION_GRADED",
    "List-Unsubscribe": `<${UNSUBSCRIBE}>`,
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
  },
});

describe.each([
  ["smtp", smtpHarness],
  ["sink", sinkHarness],
] as const)("mail transport contract (%s)", (name, start) => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await start();
  });
  afterEach(() => harness.close());

  it("delivers one message with its text and HTML parts, headers and links intact", async () => {
    const sent = await harness.transport.send(message("mina.park@campus.test"));
    expect(sent.messageId).toMatch(/^<.+@.+>$/);
    expect(sent.location).toBeTruthy();
    const [mail, ...others] = await harness.delivered();
    expect(others).toHaveLength(0);
    expect(mail!.rcptTo).toEqual(["mina.park@campus.test"]);
    const parsed = mail!.parsed;
    expect(parsed.subject).toBe("[Campus] Ünïcode — grades are in");
    expect(parsed.from?.text).toBe('"Campus" <no-reply@campus.test>');
    expect(parsed.messageId).toBe(sent.messageId);
    expect(parsed.text).toContain(`Open in Campus: ${LINK}`);
    expect(parsed.html).toContain(`<a href="${LINK}">`);
    expect(parsed.headers.get("x-campus-notification")).toBe("SUBMISSION_GRADED");
    expect(parsed.headerLines.find((line) => line.key === "list-unsubscribe-post")?.line).toBe(
      "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
    );
    // folded when long: unfolded, it is the URL in angle brackets
    const unsubscribe = parsed.headerLines.find((line) => line.key === "list-unsubscribe")?.line ?? "";
    expect(unsubscribe.replace(/\r?\n[ \t]+/g, "").replace(/^List-Unsubscribe:\s*/, "")).toBe(`<${UNSUBSCRIBE}>`);
  });

  it("keeps every message apart: two sends are two messages with their own ids", async () => {
    const first = await harness.transport.send(message("a@campus.test", "first"));
    const second = await harness.transport.send(message("b@campus.test", "second"));
    expect(first.messageId).not.toBe(second.messageId);
    const mails = await harness.delivered();
    expect(mails.map((mail) => [mail.rcptTo[0], mail.parsed.subject]).sort()).toEqual([
      ["a@campus.test", "first"],
      ["b@campus.test", "second"],
    ]);
  });

  if (name === "sink") {
    it("writes readable .eml files and says where", async () => {
      const sent = await harness.transport.send(message("mina.park@campus.test"));
      expect(sent.location.endsWith(".eml")).toBe(true);
      const raw = readFileSync(sent.location, "utf8");
      expect(raw).toMatch(/^Content-Type: multipart\/alternative/m);
      expect(raw).toMatch(/^To: mina\.park@campus\.test$/m);
    });
  }
});

describe("SMTP transport against servers that refuse", () => {
  let server: TestSmtpServer;
  afterEach(() => server?.close());

  it("a server that refuses for now fails the send with an error to retry (not a bounce)", async () => {
    server = await startSmtpServer({ refuse: "connect" });
    const transport = new SmtpMailTransport(server.url, { timeoutMs: 5_000 });
    const error = await transport.send(message("mina.park@campus.test")).catch((caught: unknown) => caught);
    // nodemailer's errors come from another realm under jest: checked by shape, not class
    expect((error as Error).message).toBeTruthy();
    expect(error).not.toBeInstanceOf(MailBouncedError);
    expect(server.refusals).toBe(1);
    expect(server.received).toHaveLength(0);
  });

  it("a recipient refused for good is a bounce", async () => {
    server = await startSmtpServer({ refuse: "recipient" });
    const transport = new SmtpMailTransport(server.url, { timeoutMs: 5_000 });
    await expect(transport.send(message("nobody@campus.test"))).rejects.toBeInstanceOf(MailBouncedError);
    expect(server.received).toHaveLength(0);
  });

  it("no server at all is an error to retry", async () => {
    server = await startSmtpServer();
    const url = server.url;
    await server.close();
    const transport = new SmtpMailTransport(url, { timeoutMs: 2_000 });
    const error = await transport.send(message("mina.park@campus.test")).catch((caught: unknown) => caught);
    // nodemailer's errors come from another realm under jest: checked by shape, not class
    expect((error as Error).message).toBeTruthy();
    expect(error).not.toBeInstanceOf(MailBouncedError);
  });
});
