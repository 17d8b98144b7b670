import nodemailer from "nodemailer";
import { MailBouncedError, type MailMessage, type MailTransport, type SentMail } from "./mail-transport";

/** SMTP through nodemailer (production: SMTP_URL, e.g. smtp://user:pass@mail:1025). */
export class SmtpMailTransport implements MailTransport {
  readonly name = "smtp";
  private readonly transporter: nodemailer.Transporter;
  private readonly where: string;

  constructor(url: string, options: { timeoutMs?: number } = {}) {
    const timeout = options.timeoutMs ?? 10_000;
    this.transporter = nodemailer.createTransport(url, {
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
    const parsed = new URL(url);
    this.where = `${parsed.protocol}//${parsed.host}`;
  }

  async send(message: MailMessage): Promise<SentMail> {
    try {
      const info = await this.transporter.sendMail(message);
      if (info.rejected.length > 0) throw new MailBouncedError(`recipient refused: ${info.response}`);
      return { messageId: info.messageId, location: this.where };
    } catch (error) {
      throw classify(error);
    }
  }

  async close(): Promise<void> {
    this.transporter.close();
  }
}

/**
 * A 5xx to RCPT TO (nodemailer's EENVELOPE) is the server saying "never" for
 * this recipient: a bounce. Everything else (no connection, 4xx, a 5xx to the
 * greeting or DATA, a timeout) may pass later and is retried.
 */
function classify(error: unknown): unknown {
  if (error instanceof MailBouncedError) return error;
  const smtp = error as { code?: string; responseCode?: number; command?: string; message?: string };
  if (smtp.code === "EENVELOPE" && (smtp.responseCode ?? 0) >= 500 && /RCPT/i.test(smtp.command ?? "RCPT TO")) {
    return new MailBouncedError(smtp.message ?? "recipient refused");
  }
  return error;
}
