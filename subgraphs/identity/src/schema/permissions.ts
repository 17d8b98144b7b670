import { rule, viewerIsAdmin } from "@campus/auth";
import { forbidden, unauthenticated } from "@campus/errors";
import type { IRules } from "graphql-shield";
import type { IdentityContext } from "./resolvers";

/**
 * Personal fields of a User: only the user themself and admins see them.
 * Anyone else is told to sign in (anonymous) or that it is not theirs, the
 * same answers every other rule gives.
 */
const isSelfOrAdmin = rule({ cache: "no_cache" })((parent: { id: string }, _args, ctx: IdentityContext) => {
  if (ctx.viewer.userId === parent.id || ctx.signedInAs === parent.id || viewerIsAdmin(ctx.viewer)) return true;
  return ctx.viewer.userId ? forbidden("Only the user or an admin can see this") : unauthenticated();
});

export const identityPermissions: IRules = {
  User: { email: isSelfOrAdmin, status: isSelfOrAdmin },
};
