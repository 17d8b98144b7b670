import { anyone, isAdmin, isAuthenticated, rule, viewerIsAdmin } from "@campus/auth";
import { forbidden, unauthenticated } from "@campus/errors";
import type { SubgraphPermissions } from "@campus/subgraph";
import type { IdentityContext } from "./graphql/account.resolver";

/**
 * Personal fields of a User: only the user themself and admins see them.
 * Anyone else is told to sign in (anonymous) or that it is not theirs, the
 * same answers every other rule gives.
 */
const isSelfOrAdmin = rule({ cache: "no_cache" })((parent: { id: string }, _args, ctx: IdentityContext) => {
  if (ctx.viewer.userId === parent.id || ctx.signedInAs === parent.id || viewerIsAdmin(ctx.viewer)) return true;
  return ctx.viewer.userId ? forbidden("Only the user or an admin can see this") : unauthenticated();
});

/** Who may call identity's root fields (the router applies the same rules first), and who sees personal fields. */
export const identityPermissions: SubgraphPermissions = {
  Query: {
    me: isAuthenticated,
    // admin
    users: isAdmin,
    user: isAdmin,
    partners: isAdmin,
  },
  Mutation: {
    // public: getting a session
    register: anyone,
    login: anyone,
    refreshTokens: anyone,
    // signed in
    logout: isAuthenticated,
    changePassword: isAuthenticated,
    updateProfile: isAuthenticated,
    becomeInstructor: isAuthenticated,
    // admin
    grantRole: isAdmin,
    revokeRole: isAdmin,
    disableUser: isAdmin,
    createPartner: isAdmin,
    rotatePartnerKey: isAdmin,
    suspendPartner: isAdmin,
    publishPartnerOperations: isAdmin,
  },
  User: { email: isSelfOrAdmin, status: isSelfOrAdmin },
};
