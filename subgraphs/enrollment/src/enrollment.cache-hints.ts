import type { CacheHints } from "@campus/subgraph";

/** A learner's enrollments are theirs; the head count of a course is public but moves (docs/http-caching.md). */
export const enrollmentCacheHints: CacheHints = {
  "Course.enrollmentCount": { maxAge: 60 },
  "Course.viewerEnrollment": { scope: "PRIVATE" },
  "Query.enrollments": { scope: "PRIVATE" },
  "Query.enrollment": { scope: "PRIVATE" },
  "User.enrollments": { scope: "PRIVATE" },
};
