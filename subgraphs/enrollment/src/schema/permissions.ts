import { rule, viewerIsAdmin, type ViewerContext } from "@campus/auth";
import { forbidden, unauthenticated } from "@campus/errors";
import type { IRules } from "graphql-shield";

/** A user's enrollments are theirs: only the user themself and admins may list them. */
const isSelfOrAdmin = rule({ cache: "strict" })((parent: { id: string }, _args, ctx: ViewerContext) => {
  if (!ctx.viewer.userId) return unauthenticated();
  return ctx.viewer.userId === parent.id || viewerIsAdmin(ctx.viewer)
    ? true
    : forbidden("Only the user or an admin can see their enrollments");
});

export const enrollmentPermissions: IRules = {
  User: { enrollments: isSelfOrAdmin },
};
