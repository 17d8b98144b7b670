import type { UserRow } from "../data/identity.prisma";

/** What identity's events say about a user (never the password hash or the email of another event). */
export function userFacts(user: UserRow) {
  return { userId: user.id, email: user.email, name: user.name, roles: user.roles };
}
