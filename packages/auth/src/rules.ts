import { allow, and, deny, or, rule } from "graphql-shield";
import { forbidden, unauthenticated } from "@campus/errors";
import { viewerIsAdmin, type Viewer, type Role } from "./viewer";

/** Every shielded context carries the viewer; nothing else is assumed. */
export interface ViewerContext {
  viewer: Viewer;
}

/** The same rule objects serve the router (root fields) and subgraphs (resource rules). */
export const isAuthenticated = rule({ cache: "contextual" })((_parent, _args, ctx: ViewerContext) =>
  ctx.viewer.userId ? true : unauthenticated(),
);

export function hasAnyRole(...roles: Role[]) {
  return rule(`hasAnyRole:${roles.join(",")}`, { cache: "contextual" })((_parent, _args, ctx: ViewerContext) => {
    if (!ctx.viewer.userId) return unauthenticated();
    return roles.some((role) => ctx.viewer.roles.includes(role)) ? true : forbidden();
  });
}

/** For fields of a User: only that user themself and admins (their enrollments, their orders). */
export const isSelfOrAdmin = rule({ cache: "strict" })((parent: { id: string }, _args, ctx: ViewerContext) => {
  if (!ctx.viewer.userId) return unauthenticated();
  return ctx.viewer.userId === parent.id || viewerIsAdmin(ctx.viewer) ? true : forbidden("Only the user or an admin");
});

export const isAdmin = hasAnyRole("ADMIN");
export const isInstructor = hasAnyRole("INSTRUCTOR", "ADMIN");

export { allow, and, deny, or, rule };
