import { isAdmin, isAuthenticated } from "@campus/auth";
import type { SubgraphPermissions } from "@campus/subgraph";

/** A user's own notifications and preferences for the signed-in; the email outbox for admins. */
export const notificationPermissions: SubgraphPermissions = {
  Query: {
    notifications: isAuthenticated,
    notificationPreferences: isAuthenticated,
    emailDeliveries: isAdmin,
  },
  Mutation: {
    markNotificationsRead: isAuthenticated,
    setNotificationPreference: isAuthenticated,
  },
};
