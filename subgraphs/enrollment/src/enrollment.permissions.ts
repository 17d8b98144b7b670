import { isAuthenticated, isSelfOrAdmin } from "@campus/auth";
import type { SubgraphPermissions } from "@campus/subgraph";

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
  // A user's enrollments are theirs: only the user themself and admins may list them.
  User: { enrollments: isSelfOrAdmin },
};
