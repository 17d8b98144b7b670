import { keysetAfter, type Keyset } from "@campus/subgraph";
import type { NotificationPrisma, PreferenceRow } from "./notification.prisma";

/** A user's in-app notifications and preferences: every read and write names the user. */
export class NotificationRepository {
  constructor(private readonly prisma: NotificationPrisma) {}

  async page(userId: string, filter: { unreadOnly: boolean; after?: Keyset; take: number }) {
    const where = { userId, ...(filter.unreadOnly ? { readAt: null } : {}) };
    const [rows, totalCount, unreadCount] = await Promise.all([
      this.prisma.notification.findMany({
        where: { ...where, ...(filter.after ? keysetAfter("createdAt", filter.after, "desc") : {}) },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: filter.take + 1,
      }),
      this.prisma.notification.count({ where }),
      this.unreadCount(userId),
    ]);
    return { rows, totalCount, unreadCount };
  }

  unreadCount(userId: string): Promise<number> {
    return this.prisma.notification.count({ where: { userId, readAt: null } });
  }

  /** Marks the user's own unread ones among `ids` (all of them when omitted); other users' ids match nothing. */
  async markRead(userId: string, ids: string[] | undefined, at: Date): Promise<void> {
    await this.prisma.notification.updateMany({
      where: { userId, readAt: null, ...(ids ? { id: { in: ids } } : {}) },
      data: { readAt: at },
    });
  }

  preferences(userId: string): Promise<PreferenceRow[]> {
    return this.prisma.notificationPreference.findMany({ where: { userId } });
  }

  setPreference(userId: string, kind: string, choice: { inApp: boolean; email: boolean }): Promise<PreferenceRow> {
    return this.prisma.notificationPreference.upsert({
      where: { userId_kind: { userId, kind } },
      create: { userId, kind, ...choice },
      update: choice,
    });
  }

  /** The unsubscribe link: email off for one kind, in-app as it was. */
  async unsubscribe(userId: string, kind: string, inAppDefault: boolean): Promise<void> {
    await this.prisma.notificationPreference.upsert({
      where: { userId_kind: { userId, kind } },
      create: { userId, kind, inApp: inAppDefault, email: false },
      update: { email: false },
    });
  }
}
