import { and, deny, or, rule } from "graphql-shield";
import { forbidden, unauthenticated } from "@campus/errors";
import { viewerIsAdmin, type PartnerScope, type Viewer, type Role } from "./viewer";

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

/**
 * Open to people, signed in or not; a partner key is refused. Partners get
 * nothing by default: a root field is theirs only through `openTo(scope)`.
 * (graphql-shield's own `allow` would let a partner key through.)
 */
export const anyone = rule("anyone", { cache: "contextual" })((_parent, _args, ctx: ViewerContext) =>
  ctx.viewer.partner ? forbidden("This field is not open to partner keys") : true,
);

const openToRules = new Map<PartnerScope, ReturnType<ReturnType<typeof rule>>>();

/** Open to people, and to partner keys that hold `scope` (one rule object per scope, as shield wants). */
export function openTo(scope: PartnerScope) {
  let found = openToRules.get(scope);
  if (!found) {
    found = rule(`openTo:${scope}`, { cache: "contextual" })((_parent, _args, ctx: ViewerContext) => {
      const { partner } = ctx.viewer;
      return !partner || partner.scopes.includes(scope) ? true : forbidden(`This partner key lacks the ${scope} scope`);
    });
    openToRules.set(scope, found);
  }
  return found;
}

export { and, deny, or, rule };
