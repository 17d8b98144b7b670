import {
  backends,
  operation,
  registerInstructor,
  registerUser,
  settleEvents,
  startTestCampus,
  type TestCampus,
} from "../support";

/**
 * A course's assessment as clients would use it, through the router, with the
 * guaranteed operations of schema/operations/learning.graphql as written: the
 * instructor sets a quiz and an essay on a free course, a learner enrols, sees
 * them (never the quiz's answer key), takes the quiz (graded at once) and hands
 * in the essay, the instructor grades it, and the grade reaches the learner and
 * the gradebook.
 */

const CREATE_COURSE = operation("mvp", "CreateCourse");
const ADD_MODULE = operation("mvp", "AddModule");
const PUBLISH_COURSE = operation("mvp", "PublishCourse");
const ENROLL = operation("mvp", "Enroll");
const CREATE = operation("learning", "CreateAssignment");
const PUBLISH = operation("learning", "PublishAssignment");
const ASSIGNMENTS = operation("learning", "CourseAssignments");
const SUBMIT = operation("learning", "SubmitAssignment");
const SUBMISSIONS = operation("learning", "Submissions");
const GRADE = operation("learning", "GradeSubmission");
const GRADEBOOK = operation("learning", "Gradebook");

const QUESTIONS = [
  { prompt: "Which are even?", choices: ["1", "2", "3", "4"], correct: [1, 3], points: 4 },
  { prompt: "Is 7 prime?", choices: ["yes", "no"], correct: [0], points: 6 },
];

describe.each(backends({ kafka: true }).map((backend) => [backend.name, backend] as const))(
  "assessment through the router (%s)",
  (_name, backend) => {
    let campus: TestCampus;
    beforeAll(async () => {
      campus = await startTestCampus(backend);
    }, 300_000);
    afterAll(() => campus?.stop());

    async function must(query: string, variables: Record<string, unknown>, token: string) {
      const result = await campus.gql(query, variables, token);
      expect(result.errors).toBeUndefined();
      return result.data;
    }

    it("quiz graded at once, essay graded by the instructor, grades in the gradebook", async () => {
      const instructor = await registerInstructor(campus, "Assessing Instructor");
      const learner = await registerUser(campus, "Assessed Learner");
      const t = instructor.accessToken;
      const course = await must(
        CREATE_COURSE,
        {
          input: {
            title: `Assessed ${Date.now()}`,
            description: "Tested",
            level: "BEGINNER",
            price: { amount: 0, currency: "USD" },
          },
        },
        t,
      );
      const courseId = course.createCourse.id as string;
      await must(ADD_MODULE, { courseId, input: { title: "Only" } }, t);
      await must(PUBLISH_COURSE, { id: courseId }, t);

      const quiz = (
        await must(
          CREATE,
          { courseId, input: { title: "Quick quiz", instructions: "Pick", kind: "QUIZ", questions: QUESTIONS } },
          t,
        )
      ).createAssignment;
      expect(quiz).toMatchObject({ kind: "QUIZ", maxPoints: 10, status: "DRAFT" });
      const essay = (
        await must(
          CREATE,
          {
            courseId,
            input: {
              title: "Essay",
              instructions: "Why?",
              kind: "ESSAY",
              maxPoints: 20,
              dueAt: "2100-01-01T00:00:00Z",
            },
          },
          t,
        )
      ).createAssignment;
      for (const { id } of [quiz, essay]) {
        expect((await must(PUBLISH, { id }, t)).publishAssignment.status).toBe("PUBLISHED");
      }

      await must(ENROLL, { courseId }, learner.accessToken);
      await settleEvents(campus);

      const listed = await campus.gql(ASSIGNMENTS, { courseId }, learner.accessToken);
      expect(listed.errors).toBeUndefined();
      expect(JSON.stringify(listed)).not.toContain("correct");
      const byTitle = Object.fromEntries(listed.data.course.assignments.map((a: any) => [a.title, a]));
      expect(byTitle["Quick quiz"]).toMatchObject({
        kind: "QUIZ",
        maxPoints: 10,
        maxAttempts: 1,
        questions: QUESTIONS.map(({ correct: _key, ...question }) => question),
        viewerSubmissions: [],
      });

      const taken = await must(
        SUBMIT,
        {
          assignmentId: quiz.id,
          input: {
            answers: [
              { question: 0, choices: [3, 1] },
              { question: 1, choices: [1] },
            ],
          },
        },
        learner.accessToken,
      );
      expect(taken.submitAssignment).toMatchObject({
        submission: { attempt: 1, status: "GRADED", late: false, grade: { points: 4 } },
        upload: null,
      });
      const again = await campus.gql(SUBMIT, { assignmentId: quiz.id, input: { answers: [] } }, learner.accessToken);
      expect(again.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", reason: "ATTEMPTS_EXHAUSTED" });

      const handedIn = await must(
        SUBMIT,
        { assignmentId: essay.id, input: { text: "Because it is." } },
        learner.accessToken,
      );
      expect(handedIn.submitAssignment.submission).toMatchObject({ status: "SUBMITTED", grade: null });

      const queue = await must(SUBMISSIONS, { assignmentId: essay.id, first: 10 }, t);
      expect(queue.assignment.submissions.totalCount).toBe(1);
      const [edge] = queue.assignment.submissions.edges;
      expect(edge.node).toMatchObject({
        learner: { id: learner.id, name: "Assessed Learner" },
        attempt: 1,
        late: false,
      });
      expect(
        (await campus.gql(GRADE, { submissionId: edge.node.id, points: 15 }, learner.accessToken)).errors?.[0]
          ?.extensions?.code,
      ).toBe("FORBIDDEN");
      const graded = await must(GRADE, { submissionId: edge.node.id, points: 15, feedback: "Convincing" }, t);
      expect(graded.gradeSubmission).toMatchObject({ status: "GRADED", grade: { points: 15, feedback: "Convincing" } });

      const mine = await must(ASSIGNMENTS, { courseId }, learner.accessToken);
      const essayView = mine.course.assignments.find((a: any) => a.id === essay.id);
      expect(essayView.viewerSubmissions).toEqual([
        expect.objectContaining({ attempt: 1, status: "GRADED", grade: { points: 15, feedback: "Convincing" } }),
      ]);

      const book = await must(GRADEBOOK, { courseId }, t);
      expect(book.course.gradebook).toEqual([
        {
          learner: { id: learner.id, name: "Assessed Learner" },
          points: 19,
          maxPoints: 30,
          grades: [
            { assignment: { id: quiz.id, title: "Quick quiz" }, points: 4 },
            { assignment: { id: essay.id, title: "Essay" }, points: 15 },
          ],
        },
      ]);
      expect((await campus.gql(GRADEBOOK, { courseId }, learner.accessToken)).errors?.[0]?.extensions?.code).toBe(
        "FORBIDDEN",
      );
    });
  },
);
