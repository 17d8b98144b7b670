import type { Logger } from "@campus/logging";
import type { FactsRepository } from "../data/facts.repository";
import type { NotificationTx } from "../data/notification.prisma";
import { renderEmail } from "./email-template";
import { effectivePreference, KINDS, type NoticeFacts, type NotificationKind } from "./kinds";
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
      // registered before this service's event log began: no address known, the in-app notice stands
      this.logger.warn({ userId, kind }, "no email address known for the user; email skipped");
      return;
    }
    const unsubscribeUrl = KINDS[kind].emailLocked
      ? undefined
      : `${this.options.unsubscribeBase().replace(/\/+$/, "")}/unsubscribe?token=${this.tokens.sign(userId, kind)}`;
    const email = renderEmail(kind, text, recipient.name, {
      productName: this.options.productName,
      appUrl: this.options.appUrl,
      unsubscribeUrl,
    });
    await tx.emailDelivery.createMany({
      data: [{ userId, kind, sourceId, to: recipient.email, ...email }],
      skipDuplicates: true,
    });
  }
}
