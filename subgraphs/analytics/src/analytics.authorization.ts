import {
  ADMIN_ONLY,
  expectThat,
  OWNER_OR_ADMIN,
  type MatrixHelpers,
  type SubgraphAuthorization,
} from "@campus/testkit";

// the operations of ../shared/api/engagement.graphql, as written
const PLATFORM_REPORT = `query PlatformReport($from: DateTimeISO!, $to: DateTimeISO!, $interval: ReportInterval!) {
  platformReport(from: $from, to: $to, interval: $interval) {
    totals { newUsers activeLearners enrollments completions revenue { amount currency } refunds { amount currency } }
    series { periodStart newUsers activeLearners enrollments completions revenue { amount currency } }
    topCourses(first: 5) { course { id title } enrollments completionRate revenue { amount currency } }
  }
}`;
const COURSE_REPORT = `query CourseReport($courseId: ID!, $from: DateTimeISO!, $to: DateTimeISO!) {
  courseReport(courseId: $courseId, from: $from, to: $to) {
    course { id title }
    enrollments completions completionRate averageProgress averageScore
    revenue { amount currency }
    series(interval: WEEK) { periodStart enrollments completions }
  }
}`;

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
