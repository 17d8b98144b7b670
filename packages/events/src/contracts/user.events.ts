import { z } from "zod";
import { defineEvent, registerEvents, uuid } from "../event-registry";

/** Published by identity (topic campus.identity.events). */
const role = z.enum(["LEARNER", "INSTRUCTOR", "ADMIN"]);

const user = z.object({ userId: uuid, email: z.string(), name: z.string(), roles: z.array(role) });

export const userRegistered = defineEvent("campus.user.registered.v1", "identity", user);
export const userRoleGranted = defineEvent(
  "campus.user.role_granted.v1",
  "identity",
  z.object({ userId: uuid, role, roles: z.array(role) }),
);
export const userRoleRevoked = defineEvent(
  "campus.user.role_revoked.v1",
  "identity",
  z.object({ userId: uuid, role, roles: z.array(role) }),
);
export const userDisabled = defineEvent("campus.user.disabled.v1", "identity", z.object({ userId: uuid }));
/** The user changed their name (`updateProfile`); not sent when the name stayed the same. */
export const userProfileUpdated = defineEvent(
  "campus.user.profile_updated.v1",
  "identity",
  z.object({ userId: uuid, name: z.string() }),
);

/**
 * The user changed their password (`changePassword`); every other session was
 * ended with it. Notification tells the user (a SECURITY notice that cannot be
 * switched off). Carries no secret: the time is the event's.
 */
export const userPasswordChanged = defineEvent(
  "campus.user.password_changed.v1",
  "identity",
  z.object({ userId: uuid }),
);

registerEvents(userRegistered, userRoleGranted, userRoleRevoked, userDisabled, userProfileUpdated, userPasswordChanged);
