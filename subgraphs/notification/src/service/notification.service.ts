import type { Viewer } from "@campus/auth";
import { badInput, unauthenticated } from "@campus/errors";
import { decodeCursor, isUuid, pageSize, toConnection } from "@campus/subgraph";
import type { EmailDeliveryRepository, DeliveryStatus } from "../data/email-delivery.repository";
import type { NotificationRepository } from "../data/notification.repository";
import { ALL_KINDS, effectivePreference, KINDS, type NotificationKind } from "./kinds";

/**
 * The signed-in user's notifications and preferences, and the admins' view
 * of the email outbox. Everything a user reads or changes is filtered by
 * their own id, so another user's notification ids are simply not there:
 * marking them read changes nothing and says nothing.
 */
export class NotificationService {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly deliveries: EmailDeliveryRepository,
  ) {}

  async list(viewer: Viewer, args: { first?: number | null; after?: string | null; unreadOnly?: boolean | null }) {
    const userId = signedIn(viewer);
    const size = pageSize(args.first);
    const { rows, totalCount, unreadCount } = await this.notifications.page(userId, {
      unreadOnly: args.unreadOnly ?? false,
      after: decodeCursor(args.after),
      take: size,
    });
    return { ...toConnection(rows, size, (row) => ({ at: row.createdAt, id: row.id })), totalCount, unreadCount };
  }

  async markRead(viewer: Viewer, ids: string[] | null | undefined): Promise<{ unreadCount: number }> {
    const userId = signedIn(viewer);
    // ids that are not UUIDs cannot be anyone's notification: ignored like other users' ids
    const own = ids === null || ids === undefined ? undefined : ids.filter(isUuid);
    if (own === undefined || own.length > 0) await this.notifications.markRead(userId, own, new Date());
    return { unreadCount: await this.notifications.unreadCount(userId) };
  }

  async preferences(viewer: Viewer) {
    const userId = signedIn(viewer);
    const chosen = new Map((await this.notifications.preferences(userId)).map((row) => [row.kind, row]));
    return ALL_KINDS.map((kind) => ({ kind, ...effectivePreference(kind, chosen.get(kind)) }));
  }

  /** A locked kind's email cannot be turned off: asking to is BAD_USER_INPUT, so the client learns the rule. */
  async setPreference(viewer: Viewer, kind: NotificationKind, inApp: boolean, email: boolean) {
    const userId = signedIn(viewer);
    if (KINDS[kind].emailLocked && !email) {
      throw badInput(`${kind} emails cannot be switched off`, { field: "email", reason: "EMAIL_REQUIRED" });
    }
    const row = await this.notifications.setPreference(userId, kind, { inApp, email });
    return { kind, ...effectivePreference(kind, row) };
  }

  async emailDeliveries(args: { first?: number | null; after?: string | null; status?: DeliveryStatus | null }) {
    const size = pageSize(args.first);
    const { rows, totalCount } = await this.deliveries.page({
      status: args.status ?? undefined,
      after: decodeCursor(args.after),
      take: size,
    });
    return { ...toConnection(rows, size, (row) => ({ at: row.createdAt, id: row.id })), totalCount };
  }
}

function signedIn(viewer: Viewer): string {
  if (!viewer.userId) throw unauthenticated();
  return viewer.userId;
}
