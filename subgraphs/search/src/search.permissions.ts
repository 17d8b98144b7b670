import { allow, isAdmin } from "@campus/auth";
import type { SubgraphPermissions } from "@campus/subgraph";

/** Anyone may search (only PUBLISHED courses are ever found); the index's upkeep is for admins. */
export const searchPermissions: SubgraphPermissions = {
  Query: {
    searchCourses: allow,
    suggestCourses: allow,
    searchIndexStatus: isAdmin,
  },
  Mutation: {
    rebuildSearchIndex: isAdmin,
  },
};
