import {
  ADMIN_ONLY,
  EVERYONE,
  INSTRUCTORS,
  MATRIX_COURSE_INPUT,
  OWNER_OR_ADMIN,
  expectThat,
  operation,
  unique,
  type SubgraphAuthorization,
} from "@campus/testkit";

/**
 * What every role must get from catalog's root fields and its course
 * visibility rules (service/course.policy.ts), called through the router by
 * tests/e2e/authorization-matrix.test.ts. A draft or archived course is hidden
 * from others (null / absent, no error). Ownership of writes is checked by
 * CourseService, so "otherInstructor" is refused there.
 */

/** An archived course: its instructor, admins and the learners enrolled in it. */
const ARCHIVED_READERS = ["learner", "instructor", "admin"] as const;

export const authorization: SubgraphAuthorization = {
  roots: {
    "Query.courses": {
      allowed: EVERYONE,
      query: operation("mvp", "Courses"),
      prepare: async () => ({ variables: { first: 50, filter: { free: true } } }),
      check: (data, _role, _call, h) =>
        expectThat(
          data.courses.edges.some((edge: any) => edge.node.id === h.f.published.id),
          "published course not listed",
        ),
    },
    "Query.course": {
      allowed: EVERYONE,
      query: operation("mvp", "Course"),
      prepare: async (_role, h) => ({ variables: { id: h.f.published.id } }),
      check: (data, role, _call, h) => {
        expectThat(data.course?.id === h.f.published.id, "published course not returned");
        expectThat(
          (data.course.viewerEnrollment?.id === h.f.enrollmentId) === (role === "learner"),
          "viewerEnrollment",
        );
      },
    },
    "Query.courseBySlug": {
      allowed: EVERYONE,
      query: `query($slug: String!) { courseBySlug(slug: $slug) { id slug status } }`,
      prepare: async (_role, h) => ({ variables: { slug: h.f.published.slug } }),
      check: (data, _role, _call, h) => expectThat(data.courseBySlug?.id === h.f.published.id, "course not returned"),
    },
    "Query.categories": {
      allowed: EVERYONE,
      query: `query { categories { id name slug } }`,
      check: (data, _role, _call, h) =>
        expectThat(
          data.categories.some((c: any) => c.id === h.f.categoryId),
          "category not listed",
        ),
    },
    "Mutation.createCourse": {
      allowed: INSTRUCTORS,
      query: operation("mvp", "CreateCourse"),
      prepare: async () => ({ variables: { input: { ...MATRIX_COURSE_INPUT, title: unique("Matrix course") } } }),
      check: (data, role, _call, h) =>
        expectThat(
          data.createCourse.status === "DRAFT" && data.createCourse.instructor.id === h.f.users[role as "admin"].id,
          "not a draft taught by the caller",
        ),
    },
    "Mutation.updateCourse": {
      allowed: OWNER_OR_ADMIN,
      query: `mutation($id: ID!, $input: UpdateCourseInput!) { updateCourse(id: $id, input: $input) { id title } }`,
      prepare: async (_role, h) => ({ variables: { id: h.f.draft.id, input: { title: unique("Retitled") } } }),
      check: (data, _role, call) =>
        expectThat(data.updateCourse.title === (call.variables!.input as { title: string }).title, "not updated"),
    },
    "Mutation.publishCourse": {
      allowed: OWNER_OR_ADMIN,
      query: operation("mvp", "PublishCourse"),
      prepare: async (_role, h) => ({ variables: { id: (await h.course({ modules: 1, publish: false })).id } }),
      check: (data) => expectThat(data.publishCourse.status === "PUBLISHED", "not published"),
    },
    "Mutation.archiveCourse": {
      allowed: OWNER_OR_ADMIN,
      query: `mutation($id: ID!) { archiveCourse(id: $id) { id status } }`,
      prepare: async (_role, h) => ({ variables: { id: (await h.course({ modules: 1, publish: true })).id } }),
      check: (data) => expectThat(data.archiveCourse.status === "ARCHIVED", "not archived"),
    },
    "Mutation.addModule": {
      allowed: OWNER_OR_ADMIN,
      query: operation("mvp", "AddModule"),
      prepare: async (_role, h) => ({ variables: { courseId: h.f.draft.id, input: { title: unique("Module") } } }),
      check: (data) => expectThat(data.addModule.position > 2, "not appended"),
    },
    "Mutation.renameModule": {
      allowed: OWNER_OR_ADMIN,
      query: `mutation($moduleId: ID!, $title: String!) { renameModule(moduleId: $moduleId, title: $title) { id title } }`,
      prepare: async (_role, h) => ({
        variables: { moduleId: h.f.draft.moduleIds[0], title: unique("Renamed module") },
      }),
      check: (data, _role, call) => expectThat(data.renameModule.title === call.variables!.title, "not renamed"),
    },
    "Mutation.reorderModules": {
      allowed: OWNER_OR_ADMIN,
      query: `mutation($courseId: ID!, $moduleIds: [ID!]!) { reorderModules(courseId: $courseId, moduleIds: $moduleIds) { id modules { id position } } }`,
      prepare: async (_role, h) => {
        const course = await h.course({ modules: 2, publish: false });
        return { variables: { courseId: course.id, moduleIds: [...course.moduleIds].reverse() } };
      },
      check: (data, _role, call) =>
        expectThat(
          data.reorderModules.modules.map((m: any) => m.id).join() === (call.variables!.moduleIds as string[]).join(),
          "not reordered",
        ),
    },
    "Mutation.removeModule": {
      allowed: OWNER_OR_ADMIN,
      query: `mutation($moduleId: ID!) { removeModule(moduleId: $moduleId) { id modules { id position } } }`,
      prepare: async (_role, h) => ({
        variables: { moduleId: (await h.course({ modules: 2, publish: false })).moduleIds[0] },
      }),
      check: (data) => expectThat(data.removeModule.modules.length === 1, "not removed"),
    },
    "Mutation.createCategory": {
      allowed: ADMIN_ONLY,
      query: `mutation($name: String!) { createCategory(name: $name) { id name } }`,
      prepare: async () => ({ variables: { name: unique("Category") } }),
      check: (data, _role, call) => expectThat(data.createCategory.name === call.variables!.name, "not created"),
    },
  },
  resources: {
    "Query.course (a draft)": {
      allowed: OWNER_OR_ADMIN,
      query: `query($id: ID!) { course(id: $id) { id status description modules { id } } }`,
      prepare: async (_role, h) => ({ variables: { id: h.f.draft.id } }),
      visible: (data, h) => data.course?.id === h.f.draft.id,
    },
    "Query.courseBySlug (a draft)": {
      allowed: OWNER_OR_ADMIN,
      query: `query($slug: String!) { courseBySlug(slug: $slug) { id status description modules { id } } }`,
      prepare: async (_role, h) => ({ variables: { slug: h.f.draft.slug } }),
      visible: (data, h) => data.courseBySlug?.id === h.f.draft.id,
    },
    "Query.course (archived, the learner enrolled)": {
      allowed: ARCHIVED_READERS,
      query: `query($id: ID!) { course(id: $id) { id status description modules { id } } }`,
      prepare: async (_role, h) => ({ variables: { id: h.f.archived.id } }),
      visible: (data, h) => data.course?.id === h.f.archived.id,
    },
    "Query.courseBySlug (archived, the learner enrolled)": {
      allowed: ARCHIVED_READERS,
      query: `query($slug: String!) { courseBySlug(slug: $slug) { id status description modules { id } } }`,
      prepare: async (_role, h) => ({ variables: { slug: h.f.archived.slug } }),
      visible: (data, h) => data.courseBySlug?.id === h.f.archived.id,
    },
    "Query.courses (the owner's drafts)": {
      allowed: OWNER_OR_ADMIN,
      query: `query($filter: CourseFilter) { courses(first: 50, filter: $filter) { edges { node { id status } } } }`,
      prepare: async (_role, h) => ({
        variables: { filter: { instructorId: h.f.users.instructor.id, status: "DRAFT" } },
      }),
      visible: (data, h) => data.courses.edges.some((edge: any) => edge.node.id === h.f.draft.id),
    },
  },
};
