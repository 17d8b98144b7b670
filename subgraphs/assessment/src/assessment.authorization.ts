import {
  LEARNER_ONLY,
  OWNER_OR_ADMIN,
  expectThat,
  operation,
  unique,
  type MatrixHelpers,
  type Role,
  type SubgraphAuthorization,
} from "@campus/testkit";

/**
 * What every role must get from assessment's root fields and entity fields,
 * called through the router by tests/e2e/authorization-matrix.test.ts. The
 * matrix's learner is enrolled in `h.f.published`, which the instructor owns.
 * Operations of schema/operations/learning.graphql are used as written there.
 */

const CREATE = operation("learning", "CreateAssignment");
const PUBLISH = operation("learning", "PublishAssignment");
const SUBMIT = operation("learning", "SubmitAssignment");

/** Those who see a course's published assignments: its learners, its instructor, admins. */
const LEARNERS_AND_OWNERS: readonly Role[] = ["learner", "instructor", "admin"];

const ESSAY = { kind: "ESSAY", maxPoints: 10, instructions: "Write" };
const FILE = { kind: "FILE", maxPoints: 10, instructions: "Hand in a PDF" };

/** A new assignment of the instructor's published course (the learner's), published unless told. */
async function assignment(h: MatrixHelpers, input: Record<string, unknown>, publish = true): Promise<string> {
  const { createAssignment } = await h.call("instructor", CREATE, {
    courseId: h.f.published.id,
    input: { title: unique("Matrix assignment"), ...input },
  });
  if (publish) await h.call("instructor", PUBLISH, { id: createAssignment.id });
  return createAssignment.id as string;
}

/** A new essay of the learner, waiting for a grade. */
async function submittedEssay(h: MatrixHelpers): Promise<string> {
  const { submitAssignment } = await h.call("learner", SUBMIT, {
    assignmentId: await assignment(h, ESSAY),
    input: { text: "My answer" },
  });
  return submitAssignment.submission.id as string;
}

/** A new FILE submission of the learner with its file uploaded, not yet completed. */
async function uploadedFile(h: MatrixHelpers): Promise<string> {
  const body = Buffer.from("matrix report");
  const { submitAssignment } = await h.call("learner", SUBMIT, {
    assignmentId: await assignment(h, FILE),
    input: { file: { name: "report.txt", contentType: "text/plain", sizeBytes: body.length } },
  });
  const { url, method, headers } = submitAssignment.upload;
  const put = await fetch(url, {
    method,
    headers: Object.fromEntries(headers.map((header: { name: string; value: string }) => [header.name, header.value])),
    body,
  });
  expectThat(put.ok, `upload answered ${put.status}`);
  return submitAssignment.submission.id as string;
}

export const authorization: SubgraphAuthorization = {
  roots: {
    // the course's learners (published ones), its instructor and admins; anyone else may not learn it exists
    "Query.assignment": {
      allowed: LEARNERS_AND_OWNERS,
      refusedAs: "NOT_FOUND",
      query: `query($id: ID!) { assignment(id: $id) { id title status } }`,
      prepare: async (_role, h) => ({ variables: { id: await assignment(h, ESSAY) } }),
      check: (data, _role, call) => expectThat(data.assignment.id === call.variables!.id, "assignment not returned"),
    },
    "Mutation.createAssignment": {
      allowed: OWNER_OR_ADMIN,
      query: CREATE,
      prepare: async (_role, h) => ({
        variables: { courseId: h.f.published.id, input: { title: unique("Matrix essay"), ...ESSAY } },
      }),
      check: (data) => expectThat(data.createAssignment.status === "DRAFT", "no draft created"),
    },
    "Mutation.publishAssignment": {
      allowed: OWNER_OR_ADMIN,
      query: PUBLISH,
      prepare: async (_role, h) => ({ variables: { id: await assignment(h, ESSAY, false) } }),
      check: (data) => expectThat(data.publishAssignment.status === "PUBLISHED", "not published"),
    },
    // only the course's learners hand in; for anyone else the assignment is not there to submit to
    "Mutation.submitAssignment": {
      allowed: LEARNER_ONLY,
      refusedAs: "NOT_FOUND",
      query: SUBMIT,
      prepare: async (_role, h) => ({
        variables: { assignmentId: await assignment(h, ESSAY), input: { text: "My answer" } },
      }),
      check: (data) => expectThat(data.submitAssignment.submission.status === "SUBMITTED", "not submitted"),
    },
    // the submitter's own
    "Mutation.completeSubmissionUpload": {
      allowed: LEARNER_ONLY,
      refusedAs: "NOT_FOUND",
      query: operation("learning", "CompleteSubmissionUpload"),
      prepare: async (_role, h) => ({ variables: { submissionId: await uploadedFile(h) } }),
      check: (data) => expectThat(data.completeSubmissionUpload.status === "SUBMITTED", "upload not confirmed"),
    },
    "Mutation.gradeSubmission": {
      allowed: OWNER_OR_ADMIN,
      query: operation("learning", "GradeSubmission"),
      prepare: async (_role, h) => ({ variables: { submissionId: await submittedEssay(h), points: 7 } }),
      check: (data) =>
        expectThat(data.gradeSubmission.status === "GRADED" && data.gradeSubmission.grade.points === 7, "not graded"),
    },
  },
  resources: {
    // published ones to the course's learners; nothing to anyone else
    "Course.assignments": {
      allowed: LEARNERS_AND_OWNERS,
      query: `query($id: ID!) { course(id: $id) { id assignments { id status questions { prompt } } } }`,
      prepare: async (_role, h) => {
        await assignment(h, ESSAY);
        return { variables: { id: h.f.published.id } };
      },
      visible: (data) => data.course.assignments.length > 0,
      check: (data, role) =>
        expectThat(
          role !== "learner" || data.course.assignments.every((a: { status: string }) => a.status === "PUBLISHED"),
          "a learner sees a draft",
        ),
    },
    "Course.gradebook": {
      allowed: OWNER_OR_ADMIN,
      query: `query($id: ID!) { course(id: $id) { id gradebook { learner { id } points maxPoints } } }`,
      prepare: async (_role, h) => {
        await submittedEssay(h);
        return { variables: { id: h.f.published.id } };
      },
      check: (data, _role, _call, h) =>
        expectThat(
          data.course.gradebook.some((row: { learner: { id: string } }) => row.learner.id === h.f.users.learner.id),
          "the learner is not in the gradebook",
        ),
    },
    // a learner sees their own through viewerSubmissions, never everyone's
    "Assignment.submissions": {
      allowed: OWNER_OR_ADMIN,
      query: `query($id: ID!) { course(id: $id) { id assignments { id submissions(first: 5) { totalCount } } } }`,
      prepare: async (_role, h) => {
        await submittedEssay(h);
        return { variables: { id: h.f.published.id } };
      },
      visible: (data) => data.course.assignments.some((a: { submissions: unknown }) => a.submissions !== null),
      check: (data) =>
        expectThat(
          data.course.assignments.some(
            (a: { submissions: { totalCount: number } | null }) => a.submissions?.totalCount,
          ),
          "no submissions listed",
        ),
    },
  },
};
