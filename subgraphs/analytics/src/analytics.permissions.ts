import { isAdmin, isAuthenticated } from "@campus/auth";
import type { SubgraphPermissions } from "@campus/subgraph";

/**
 * Platform figures are for admins. A course's figures are for its instructor
 * and admins: the service decides (it knows who instructs the course) and
 * answers NOT_FOUND to everyone else signed in, so ids cannot be probed.
 */
export const analyticsPermissions: SubgraphPermissions = {
  Query: {
    platformReport: isAdmin,
    courseReport: isAuthenticated,
  },
};
