import type { UserRow } from "../data/identity.prisma";

/** What identity's events say about a user (never the password hash or the email of another event). */
export function userFacts(user: UserRow) {
  return { userId: user.id, email: user.email, name: user.name, roles: user.roles };
}

/** What `user.profile_updated` says: the user's name after the change (nothing else of the profile). */
export function profileFacts(user: UserRow) {
  return { userId: user.id, name: user.name };
}
