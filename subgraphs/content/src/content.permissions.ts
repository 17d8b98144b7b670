import { isAuthenticated, isInstructor } from "@campus/auth";
import type { SubgraphPermissions } from "@campus/subgraph";

/**
 * Who may call content's root fields (the router applies the same rules
 * first). Whose course it is, and who learns it, needs the rows: the services
 * decide that (content.policy.ts).
 */
export const contentPermissions: SubgraphPermissions = {
  Query: {
    content: isAuthenticated,
  },
  Mutation: {
    // the course's instructor (or an admin), checked against catalog's answer
    addContent: isInstructor,
    addContentVersion: isInstructor,
    completeUpload: isInstructor,
    reorderContent: isInstructor,
    // the course's learners, from enrollment's events
    completeContent: isAuthenticated,
  },
};
