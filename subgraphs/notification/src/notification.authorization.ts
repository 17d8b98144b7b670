import { ADMIN_ONLY, SIGNED_IN, expectThat, operation, type SubgraphAuthorization } from "@campus/testkit";

/**
 * What every role must get from notification's root fields, called through
 * the router by tests/e2e/authorization-matrix.test.ts, with the operations
 * of the engagement contract as written. A user's notifications and
 * preferences are their own (anyone signed in, each sees only theirs); the
 * email outbox is for admins.
 */
export const authorization: SubgraphAuthorization = {
  roots: {
    "Query.notifications": {
      allowed: SIGNED_IN,
      query: operation("engagement", "Notifications"),
      prepare: async () => ({ variables: { first: 50 } }),
      check: (data) => {
        const list = data.notifications;
        expectThat(list.totalCount >= list.edges.length && list.unreadCount >= 0, "no counts");
      },
    },
    "Mutation.markNotificationsRead": {
      allowed: SIGNED_IN,
      query: operation("engagement", "MarkNotificationsRead"),
      check: (data) => expectThat(data.markNotificationsRead.unreadCount === 0, "all not marked read"),
    },
    "Query.notificationPreferences": {
      allowed: SIGNED_IN,
      query: operation("engagement", "NotificationPreferences"),
      check: (data) => {
        const security = data.notificationPreferences.find((preference: any) => preference.kind === "SECURITY");
        expectThat(security?.email === true, "no SECURITY preference with email on");
      },
    },
    "Mutation.setNotificationPreference": {
      allowed: SIGNED_IN,
      query: operation("engagement", "SetNotificationPreference"),
      prepare: async () => ({ variables: { kind: "CONTENT_ADDED", inApp: true, email: false } }),
      check: (data) =>
        expectThat(
          data.setNotificationPreference.kind === "CONTENT_ADDED" && data.setNotificationPreference.email === false,
          "preference not set",
        ),
    },
    "Query.emailDeliveries": {
      allowed: ADMIN_ONLY,
      query: operation("engagement", "EmailDeliveries"),
      prepare: async () => ({ variables: { first: 10 } }),
      check: (data) => expectThat(data.emailDeliveries.totalCount >= 0, "no totalCount"),
    },
  },
};
