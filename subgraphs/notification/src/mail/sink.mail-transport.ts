import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import nodemailer from "nodemailer";
import type { MailMessage, MailTransport, SentMail } from "./mail-transport";

/**
 * The embedded default: each message, built by nodemailer exactly as SMTP
 * would carry it, kept as an .eml file (open it in any mail client) under
 * DATA_DIR/mail. Nothing leaves the machine.
 */
export class SinkMailTransport implements MailTransport {
  readonly name = "sink";
  private readonly transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  private sequence = 0;

  constructor(readonly dir: string) {}

  async send(message: MailMessage): Promise<SentMail> {
    const info = await this.transporter.sendMail(message);
    await mkdir(this.dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    const safeTo = message.to.replace(/[^a-zA-Z0-9@._-]+/g, "_");
    const file = path.join(this.dir, `${stamp}-${++this.sequence}-${safeTo}.eml`);
    await writeFile(file, info.message as Buffer);
    return { messageId: info.messageId, location: file };
  }

  async close(): Promise<void> {}
}
