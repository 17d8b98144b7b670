import type { Logger } from "@campus/logging";
import { BackgroundJob } from "@campus/subgraph";
import type { EmailDeliveryRepository } from "../data/email-delivery.repository";
import type { EmailDeliveryRow } from "../data/notification.prisma";
import { MailBouncedError, type MailTransport } from "../mail/mail-transport";

export interface EmailSenderOptions {
  from: string;
  pollMs: number;
  maxAttempts: number;
  /** The wait after the first failed attempt, doubled after each further one. */
  backoffMs: number;
  batch?: number;
  /** How long a claim holds a row (longer than one send can take). */
  claimMs?: number;
}

/** A backoff never waits longer than this, however many attempts. */
const MAX_BACKOFF_MS = 6 * 60 * 60_000;

/** The wait before attempt `attempts + 1`, after `attempts` failed ones (1, 2, …). */
export function retryDelay(attempts: number, backoffMs: number): number {
  return Math.min(MAX_BACKOFF_MS, backoffMs * 2 ** (attempts - 1));
}

/**
 * Drains the email outbox: claims due QUEUED rows, hands each to the
 * transport, and records the outcome on the row: SENT; BOUNCED when the
 * server refused the recipient for good; otherwise QUEUED again after an
 * exponential backoff, FAILED once `maxAttempts` are spent. A row is never
 * deleted: an email that could not go is visible to admins with its last
 * error (emailDeliveries). Every replica runs one; claims keep them apart.
 */
export class EmailSender {
  private readonly job: BackgroundJob;
  sentCount = 0;

  constructor(
    private readonly deliveries: EmailDeliveryRepository,
    private readonly transport: MailTransport,
    private readonly options: EmailSenderOptions,
    private readonly logger: Logger,
  ) {
    this.job = new BackgroundJob({ name: "email sender", everyMs: options.pollMs, pass: () => this.drain(), logger });
  }

  start(): void {
    this.job.start();
  }

  async stop(): Promise<void> {
    await this.job.stop();
    await this.transport.close();
  }

  /** Resolves once no pass is under way and nothing due is queued (tests settle on it). */
  async settled(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.job.busy || (await this.deliveries.due(new Date())) > 0) {
      if (Date.now() > deadline) throw new Error(`the email outbox did not settle in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Sends what is due, batch after batch; returns how many rows it handled. */
  async drain(): Promise<number> {
    let handled = 0;
    for (;;) {
      const now = new Date();
      const rows = await this.deliveries.claim(
        this.options.batch ?? 20,
        now,
        new Date(now.getTime() + (this.options.claimMs ?? 60_000)),
      );
      if (rows.length === 0) return handled;
      for (const row of rows) await this.deliver(row);
      handled += rows.length;
    }
  }

  private async deliver(row: EmailDeliveryRow): Promise<void> {
    try {
      const sent = await this.transport.send({
        from: this.options.from,
        to: row.to,
        subject: row.subject,
        text: row.text,
        html: row.html,
        headers: row.headers as Record<string, string>,
      });
      await this.deliveries.sent(row.id, sent.messageId, new Date());
      this.sentCount += 1;
      this.logger.info({ deliveryId: row.id, kind: row.kind, to: row.to, location: sent.location }, "email sent");
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof MailBouncedError) {
        await this.deliveries.bounced(row.id, message);
        this.logger.warn({ deliveryId: row.id, err: error }, "email bounced");
        return;
      }
      const attempts = row.attempts + 1;
      const retryAt =
        attempts < this.options.maxAttempts
          ? new Date(Date.now() + retryDelay(attempts, this.options.backoffMs))
          : null;
      await this.deliveries.failed(row.id, message, retryAt);
      this.logger.warn(
        { deliveryId: row.id, attempts, retryAt, err: error },
        retryAt ? "email not sent; will retry" : "email FAILED",
      );
    }
  }
}
