import { defineSubgraph } from "@campus/subgraph";
import { EmailDeliveryRepository } from "./data/email-delivery.repository";
import { FactsRepository } from "./data/facts.repository";
import { NotificationRepository } from "./data/notification.repository";
import { PrismaClient } from "./data/notification.prisma";
import { NOTICES_GROUP, noticeHandlers } from "./events/notices.consumer";
import { NotificationResolver } from "./graphql/notification.resolver";
import { UserEntity } from "./graphql/notification.types";
import { openMailTransport } from "./mail/open-mail-transport";
import { notificationCacheHints } from "./notification.cache-hints";
import { notificationPermissions } from "./notification.permissions";
import { notificationSettings } from "./notification.settings";
import { EmailSender } from "./service/email-sender";
import { NotificationService } from "./service/notification.service";
import { Notifier } from "./service/notifier";
import { NotificationScheduler } from "./service/scheduler";
import { unsubscribeRoutes } from "./service/unsubscribe.routes";
import { UnsubscribeTokens, unsubscribeSecret } from "./service/unsubscribe-token";

/**
 * Notifications (docs/notifications.md): what people are told in the app and
 * by email, from the other subgraphs' events alone. A pure consumer: it keeps
 * copies of the facts it writes with, never reads other subgraphs' tables or
 * calls them per event. Emails go through an outbox drained by the sender
 * (SMTP, or .eml files under DATA_DIR/mail in the embedded default).
 */
export const subgraph = defineSubgraph({
  name: "notification",
  settings: notificationSettings,
  requiredInProduction: ["APP_URL", "SMTP_URL"],
  optionalInProduction: ["NOTIFICATION_PUBLIC_URL", "MAIL_FROM", "PRODUCT_NAME"],
  prisma: (adapter) => new PrismaClient({ adapter }),
  graphql: {
    resolvers: [NotificationResolver],
    orphanedTypes: [UserEntity],
    federation: ["@key", "@shareable"],
  },
  permissions: notificationPermissions,
  cacheHints: notificationCacheHints,

  async wire({ config, prisma, logger, consume, secret, dataDir, filesDir, ownUrl }) {
    const facts = new FactsRepository();
    const notifications = new NotificationRepository(prisma);
    const deliveries = new EmailDeliveryRepository(prisma);
    const tokens = new UnsubscribeTokens(
      unsubscribeSecret(secret, { production: config.NODE_ENV === "production", dataDir }),
    );
    const notifier = new Notifier(
      facts,
      tokens,
      {
        productName: config.PRODUCT_NAME,
        appUrl: config.APP_URL,
        unsubscribeBase: () => config.NOTIFICATION_PUBLIC_URL ?? ownUrl(),
      },
      logger,
    );
    consume(NOTICES_GROUP, noticeHandlers(facts, notifier, { digestWindowMs: config.NOTIFICATION_DIGEST_WINDOW_MS }));
    const scheduler = new NotificationScheduler(
      prisma,
      facts,
      notifier,
      {
        pollMs: config.NOTIFICATION_SCHEDULER_POLL_MS,
        reminderLeadMs: config.NOTIFICATION_REMINDER_LEAD_HOURS * 3_600_000,
        addressWaitMs: config.NOTIFICATION_ADDRESS_WAIT_HOURS * 3_600_000,
      },
      logger,
    );
    const transport = openMailTransport(config, { dataDir, scratchDir: filesDir, logger });
    const sender = new EmailSender(
      deliveries,
      transport,
      {
        from: config.MAIL_FROM,
        pollMs: config.NOTIFICATION_SEND_POLL_MS,
        maxAttempts: config.NOTIFICATION_SEND_MAX_ATTEMPTS,
        backoffMs: config.NOTIFICATION_SEND_BACKOFF_MS,
      },
      logger,
    );
    const service = new NotificationService(notifications, deliveries);
    const unsubscribe = unsubscribeRoutes(tokens, notifications, config.PRODUCT_NAME, logger);
    return {
      resolvers: [new NotificationResolver(service)],
      references: {
        // User is identity's: notification only hands out references
        User: (ref: { id: string }) => ({ id: ref.id }),
      },
      services: { notifications: service, scheduler, sender, transport, tokens },
      routes: { "/unsubscribe": unsubscribe.page },
      webhooks: { "/unsubscribe": unsubscribe.confirm },
      background: [scheduler, sender],
    };
  },
});

export type NotificationServices = {
  notifications: NotificationService;
  scheduler: NotificationScheduler;
  sender: EmailSender;
  transport: import("./mail/mail-transport").MailTransport;
  tokens: UnsubscribeTokens;
};
