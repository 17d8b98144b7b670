import {
  ADMIN_ONLY,
  expectThat,
  OWNER_OR_ADMIN,
  operation,
  type MatrixHelpers,
  type SubgraphAuthorization,
} from "@campus/testkit";

const PLATFORM_REPORT = operation("engagement", "PlatformReport");
const COURSE_REPORT = operation("engagement", "CourseReport");

const DAY = 86_400_000;
const today = () => new Date(Math.floor(Date.now() / DAY) * DAY);
const week = () => ({
  from: new Date(today().getTime() - 7 * DAY).toISOString(),
  to: new Date(today().getTime() + DAY).toISOString(),
});

/** Analytics learns of a course from catalog's events: wait until the fixture course is known (as the admin). */
async function knownCourse(h: MatrixHelpers): Promise<string> {
  const courseId = h.f.published.id;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await h.call("admin", COURSE_REPORT, { courseId, ...week() });
      return courseId;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/**
 * What every role must get from analytics' root fields, called through the
 * router by tests/e2e/authorization-matrix.test.ts. The platform's figures
 * are for admins; a course's for its instructor and admins, and everyone else
 * signed in gets NOT_FOUND, so course ids cannot be probed.
 */
export const authorization: SubgraphAuthorization = {
  roots: {
    "Query.platformReport": {
      allowed: ADMIN_ONLY,
      query: PLATFORM_REPORT,
      prepare: async () => ({ variables: { ...week(), interval: "DAY" } }),
      check: (data) => {
        expectThat(data.platformReport.series.length === 8, "not one period per day");
        expectThat(data.platformReport.totals.newUsers >= 0, "no totals");
      },
    },
    "Query.courseReport": {
      allowed: OWNER_OR_ADMIN,
      refusedAs: "NOT_FOUND",
      query: COURSE_REPORT,
      prepare: async (_role, h) => ({ variables: { courseId: await knownCourse(h), ...week() } }),
      check: (data, _role, _call, h) => {
        expectThat(data.courseReport.course.id === h.f.published.id, "another course");
        expectThat(data.courseReport.series.length >= 1, "no series");
      },
    },
  },
};
