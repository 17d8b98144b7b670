import type { Logger } from "@campus/logging";
import type { FactsRepository } from "../data/facts.repository";
import type { NotificationTx } from "../data/notification.prisma";
import { renderEmail } from "./email-template";
import { effectivePreference, KINDS, type NoticeFacts, type NoticeText, type NotificationKind } from "./kinds";
import type { UnsubscribeTokens } from "./unsubscribe-token";

/** One fact to tell one user: with user and kind, `sourceId` is what makes it the same fact twice. */
export interface Notice {
  userId: string;
  kind: NotificationKind;
  sourceId: string;
  facts: NoticeFacts;
}

export interface NotifierOptions {
  productName: string;
  appUrl: string;
  /** The base URL of this subgraph's /unsubscribe route as recipients reach it. */
  unsubscribeBase: () => string;
}

/**
 * Turns a notice into what the user chose: an in-app notification and a
 * queued email (the outbox row, rendered now so what is sent is what was
 * decided). Both are keyed by (user, kind, source) and inserted with
 * ON CONFLICT DO NOTHING, so a replayed event, a restarted consumer or the
 * same fact from two events never makes a second one. Runs in the caller's
 * transaction (a consumer's, or the scheduler's claim).
 */
export class Notifier {
  constructor(
    private readonly facts: FactsRepository,
    private readonly tokens: UnsubscribeTokens,
    private readonly options: NotifierOptions,
    private readonly logger: Logger,
  ) {}

  async notify(tx: NotificationTx, notice: Notice): Promise<void> {
    const { userId, kind, sourceId } = notice;
    const chosen = await tx.notificationPreference.findUnique({ where: { userId_kind: { userId, kind } } });
    const preference = effectivePreference(kind, chosen ?? undefined);
    const text = KINDS[kind].text({ product: this.options.productName, ...notice.facts });
    if (preference.inApp) {
      await tx.notification.createMany({ data: [{ userId, kind, sourceId, ...text }], skipDuplicates: true });
    }
    if (!preference.email) return;
    const recipient = await this.facts.recipient(tx, userId);
    if (!recipient) {
      // the user's registration is not heard yet (another topic, another order): the email waits for it
      await tx.pendingEmail.createMany({ data: [{ userId, kind, sourceId, ...text }], skipDuplicates: true });
      this.logger.info({ userId, kind }, "email waits for the user's address");
      return;
    }
    await this.queueEmail(tx, { userId, kind, sourceId }, text, recipient);
  }

  /** Queues the emails that waited for this user's address, now that it is known. */
  async addressKnown(tx: NotificationTx, userId: string): Promise<void> {
    const waiting = await tx.pendingEmail.findMany({ where: { userId } });
    if (waiting.length === 0) return;
    const recipient = await this.facts.recipient(tx, userId);
    if (!recipient) return;
    for (const { title, body, link, ...email } of waiting) {
      await this.queueEmail(tx, { ...email, kind: email.kind as NotificationKind }, { title, body, link }, recipient);
    }
    await tx.pendingEmail.deleteMany({ where: { userId } });
  }

  /** Drops the emails whose user never became known (registered before this service's log began). */
  async dropUnaddressed(tx: NotificationTx, olderThan: Date): Promise<number> {
    const { count } = await tx.pendingEmail.deleteMany({ where: { createdAt: { lt: olderThan } } });
    if (count > 0) this.logger.warn({ count }, "emails dropped: no address became known for their users");
    return count;
  }

  private async queueEmail(
    tx: NotificationTx,
    email: { userId: string; kind: NotificationKind; sourceId: string },
    text: NoticeText,
    recipient: { email: string; name: string },
  ): Promise<void> {
    const { userId, kind } = email;
    const unsubscribeUrl = KINDS[kind].emailLocked
      ? undefined
      : `${this.options.unsubscribeBase().replace(/\/+$/, "")}/unsubscribe?token=${this.tokens.sign(userId, kind)}`;
    const rendered = renderEmail(kind, text, recipient.name, {
      productName: this.options.productName,
      appUrl: this.options.appUrl,
      unsubscribeUrl,
    });
    await tx.emailDelivery.createMany({
      data: [{ ...email, to: recipient.email, ...rendered }],
      skipDuplicates: true,
    });
  }
}
