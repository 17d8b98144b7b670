import {
  LEARNER_ONLY,
  LEARNER_OR_ADMIN,
  OWNER_OR_ADMIN,
  SIGNED_IN,
  expectThat,
  operation,
  type SubgraphAuthorization,
} from "@campus/testkit";

/**
 * What every role must get from enrollment's root fields, called through the
 * router by tests/e2e/authorization-matrix.test.ts.
 * Operations of schema/operations/mvp.graphql are used as written there.
 */

export const authorization: SubgraphAuthorization = {
  roots: {
    "Query.enrollments": {
      allowed: SIGNED_IN,
      query: `query($first: Int) { enrollments(first: $first) { totalCount edges { node { id status course { id title } } } } }`,
      prepare: async () => ({ variables: { first: 20 } }),
      check: (data, role, _call, h) => {
        const ids = data.enrollments.edges.map((edge: any) => edge.node.id);
        expectThat(ids.includes(h.f.enrollmentId) === (role === "learner"), "enrollments are not the caller's");
      },
    },
    // the learner's own (the course's instructor does not see it), or any for admins
    "Query.enrollment": {
      allowed: LEARNER_OR_ADMIN,
      query: `query($id: ID!) { enrollment(id: $id) { id status progress course { id } user { id } } }`,
      prepare: async (_role, h) => ({ variables: { id: h.f.enrollmentId } }),
      check: (data, _role, _call, h) =>
        expectThat(
          data.enrollment?.id === h.f.enrollmentId && data.enrollment.user.id === h.f.users.learner.id,
          "enrollment not returned",
        ),
    },
    "Mutation.enroll": {
      allowed: SIGNED_IN,
      query: operation("mvp", "Enroll"),
      prepare: async (_role, h) => ({ variables: { courseId: (await h.course({ modules: 1, publish: true })).id } }),
      check: (data, _role, call) =>
        expectThat(
          data.enroll.status === "ACTIVE" && data.enroll.course.id === call.variables!.courseId,
          "not enrolled",
        ),
    },
    // only the learner records progress; admins cannot (EnrollmentService.updateProgress)
    "Mutation.updateProgress": {
      allowed: LEARNER_ONLY,
      query: operation("mvp", "UpdateProgress"),
      prepare: async (_role, h) => ({
        variables: { enrollmentId: h.f.enrollmentId, moduleId: h.f.published.moduleIds[0], completed: true },
      }),
      check: (data) => expectThat(data.updateProgress.progress === 0.5, "progress not recorded"),
    },
    "Mutation.cancelEnrollment": {
      allowed: LEARNER_OR_ADMIN,
      query: `mutation($enrollmentId: ID!) { cancelEnrollment(enrollmentId: $enrollmentId) { id status } }`,
      prepare: async (_role, h) => ({ variables: { enrollmentId: await h.freshEnrollment() } }),
      check: (data) => expectThat(data.cancelEnrollment.status === "CANCELLED", "not cancelled"),
    },
  },
  resources: {
    "User.enrollments (the instructor's)": {
      allowed: OWNER_OR_ADMIN,
      query: `query($id: ID!) { course(id: $id) { id instructor { id enrollments(first: 5) { totalCount } } } }`,
      prepare: async (_role, h) => ({ variables: { id: h.f.published.id } }),
      check: (data) => expectThat(typeof data.course.instructor.enrollments.totalCount === "number", "enrollments"),
    },
  },
};
