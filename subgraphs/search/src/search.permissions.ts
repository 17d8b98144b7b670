import { isAdmin, openTo } from "@campus/auth";
import type { SubgraphPermissions } from "@campus/subgraph";

/** Anyone may search (only PUBLISHED courses are ever found), partner keys with SEARCH_READ; the index's upkeep is for admins. */
export const searchPermissions: SubgraphPermissions = {
  Query: {
    searchCourses: openTo("SEARCH_READ"),
    suggestCourses: openTo("SEARCH_READ"),
    searchIndexStatus: isAdmin,
  },
  Mutation: {
    rebuildSearchIndex: isAdmin,
  },
};
