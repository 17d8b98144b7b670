import { ADMIN_ONLY, EVERYONE, expectThat, operation, type SubgraphAuthorization } from "@campus/testkit";

/**
 * What every role must get from search's root fields, called through the
 * router by tests/e2e/authorization-matrix.test.ts. Search is public (only
 * PUBLISHED courses are ever in it); keeping the index is for admins. The
 * fixtures' courses are indexed within a moment of being published, so the
 * cases look for a course by slug rather than assume it is already in.
 */
export const authorization: SubgraphAuthorization = {
  roots: {
    "Query.searchCourses": {
      allowed: EVERYONE,
      query: operation("discovery", "SearchCourses"),
      prepare: async () => ({ variables: { query: "", first: 5, filter: { free: true } } }),
      check: (data) => {
        expectThat(data.searchCourses.totalCount >= 0, "no totalCount");
        expectThat(data.searchCourses.facets.length === 5, "facets missing");
      },
    },
    "Query.suggestCourses": {
      allowed: EVERYONE,
      query: operation("discovery", "SuggestCourses"),
      prepare: async () => ({ variables: { prefix: "who" } }),
      check: (data) => expectThat(Array.isArray(data.suggestCourses), "no suggestions list"),
    },
    "Query.searchIndexStatus": {
      allowed: ADMIN_ONLY,
      query: `query { searchIndexStatus { engine backlog lastRebuild { state } } }`,
      check: (data) => expectThat(["postgres", "opensearch"].includes(data.searchIndexStatus.engine), "no engine"),
    },
    "Mutation.rebuildSearchIndex": {
      allowed: ADMIN_ONLY,
      query: `mutation { rebuildSearchIndex { id state } }`,
      check: (data) => expectThat(data.rebuildSearchIndex.state === "RUNNING", "rebuild did not start"),
    },
  },
};
