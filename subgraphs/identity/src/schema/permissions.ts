import { rule, viewerIsAdmin } from "@campus/auth";
import { forbidden } from "@campus/errors";
import type { IRules } from "graphql-shield";
import type { IdentityContext } from "./resolvers";

/** Personal fields of a User: only the user themself and admins see them. */
const isSelfOrAdmin = rule({ cache: "no_cache" })((parent: { id: string }, _args, ctx: IdentityContext) =>
  ctx.viewer.userId === parent.id || ctx.signedInAs === parent.id || viewerIsAdmin(ctx.viewer)
    ? true
    : forbidden("Only the user or an admin can see this"),
);

export const identityPermissions: IRules = {
  User: { email: isSelfOrAdmin, status: isSelfOrAdmin },
};
