import { isAuthenticated, rule, viewerIsAdmin, type ViewerContext } from "@campus/auth";
import { forbidden, unauthenticated } from "@campus/errors";
import type { SubgraphPermissions } from "@campus/subgraph";

/** A user's enrollments are theirs: only the user themself and admins may list them. */
const isSelfOrAdmin = rule({ cache: "strict" })((parent: { id: string }, _args, ctx: ViewerContext) => {
  if (!ctx.viewer.userId) return unauthenticated();
  return ctx.viewer.userId === parent.id || viewerIsAdmin(ctx.viewer)
    ? true
    : forbidden("Only the user or an admin can see their enrollments");
});

/** Who may call enrollment's root fields (the router applies the same rules first); ownership is the service's. */
export const enrollmentPermissions: SubgraphPermissions = {
  Query: {
    enrollments: isAuthenticated,
    enrollment: isAuthenticated,
  },
  Mutation: {
    enroll: isAuthenticated,
    updateProgress: isAuthenticated,
    cancelEnrollment: isAuthenticated,
  },
  User: { enrollments: isSelfOrAdmin },
};
