import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Viewer } from "@campus/auth";
import { admin, FakeCatalog, learner } from "@campus/catalog-client/src/fake-catalog";
import { enrollmentCancelled, enrollmentCreated } from "@campus/events";
import { startSubgraph, type SubgraphHarness } from "@campus/testkit";
import { subgraph, type AssessmentServices } from "./index";

/**
 * Assessment on its own, over HTTP as the router calls it, with a fake
 * catalog (who instructs which course) and enrollment's events published
 * into it (who takes part): authoring, the three kinds of submission, the
 * refusals, grading, the instructor's lists and the answer keys that must
 * never come out.
 */

const CREATE = `mutation($c: ID!, $i: CreateAssignmentInput!) { createAssignment(courseId: $c, input: $i) { id title kind maxPoints maxAttempts dueAt status } }`;
const PUBLISH = `mutation($id: ID!) { publishAssignment(id: $id) { id status } }`;
const SUBMIT = `mutation($a: ID!, $i: SubmitAssignmentInput!) { submitAssignment(assignmentId: $a, input: $i) {
  submission { id attempt status submittedAt late grade { points feedback gradedAt } }
  upload { url method headers { name value } expiresAt } } }`;
const COMPLETE = `mutation($s: ID!) { completeSubmissionUpload(submissionId: $s) { id status attempt file { name contentType sizeBytes } } }`;
const GRADE = `mutation($s: ID!, $p: Int!, $f: String) { gradeSubmission(submissionId: $s, points: $p, feedback: $f) { id status grade { points feedback gradedAt } } }`;
const ASSIGNMENT = `query($id: ID!) { assignment(id: $id) { id title status questions { prompt choices points } viewerSubmissions { id attempt status grade { points } } } }`;
const SUBMISSIONS = `query($id: ID!, $first: Int, $after: String) { assignment(id: $id) { id submissions(first: $first, after: $after) {
  totalCount edges { cursor node { id learner { id } attempt status late grade { points } } } pageInfo { hasNextPage endCursor } } } }`;
const COURSE = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Course { id
  assignments { id title kind status maxPoints questions { prompt choices points } viewerSubmissions { attempt grade { points } } } } } }`;
const GRADEBOOK = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Course { id
  gradebook { learner { id } points maxPoints grades { assignment { id } points } } } } }`;

const QUESTIONS = [
  { prompt: "2 + 2?", choices: ["3", "4", "5"], correct: [1], points: 2 },
  { prompt: "Primary colours of light?", choices: ["red", "yellow", "green", "blue"], correct: [0, 2, 3], points: 3 },
  { prompt: "Is the sky green?", choices: ["yes", "no"], correct: [1], points: 5 },
];

const codeOf = (result: { errors?: { extensions?: Record<string, unknown> }[] }) => result.errors?.[0]?.extensions;

describe("assessment subgraph over HTTP", () => {
  let harness: SubgraphHarness<AssessmentServices>;
  let catalog: FakeCatalog;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "campus-assessment-"));
    catalog = await FakeCatalog.start();
    harness = await startSubgraph(subgraph, { neighbours: { catalog }, env: { DATA_DIR: dataDir } });
  });
  afterAll(async () => {
    await harness?.stop();
    await catalog?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const instructorOf = (instructorId: string): Viewer => ({ userId: instructorId, roles: ["LEARNER", "INSTRUCTOR"] });

  /** A published course of a new instructor in the fake catalog. */
  function newCourse() {
    const course = catalog.add();
    return { course, instructor: instructorOf(course.instructorId!) };
  }

  /** Enrollment tells assessment that `viewer` enrolled in (or left) the course. */
  async function enrol(viewer: Viewer, courseId: string, status: "ACTIVE" | "CANCELLED" = "ACTIVE") {
    const definition = status === "ACTIVE" ? enrollmentCreated : enrollmentCancelled;
    const enrollmentId = randomUUID();
    await harness.publish([
      {
        topic: definition.topic,
        event: definition.create("/campus/enrollment", enrollmentId, {
          enrollmentId,
          userId: viewer.userId!,
          courseId,
          status,
          progress: 0,
        }),
      },
    ]);
  }

  async function must(viewer: Viewer, query: string, variables: Record<string, unknown>) {
    const result = await harness.gql(viewer, query, variables);
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data;
  }

  async function published(instructor: Viewer, courseId: string, input: Record<string, unknown>) {
    const { createAssignment } = await must(instructor, CREATE, {
      c: courseId,
      i: { title: "Work", instructions: "Do it", ...input },
    });
    await must(instructor, PUBLISH, { id: createAssignment.id });
    return createAssignment as { id: string; maxPoints: number };
  }

  it("grades a quiz at once with credit per question, and never shows its answer key anywhere", async () => {
    const { course, instructor } = newCourse();
    const ada = learner();
    await enrol(ada, course.id);
    const created = await harness.gql(instructor, CREATE, {
      c: course.id,
      i: { title: "Warm-up", instructions: "Pick", kind: "QUIZ", maxAttempts: 2, questions: QUESTIONS },
    });
    expect(created.errors).toBeUndefined();
    expect(created.data.createAssignment).toMatchObject({
      kind: "QUIZ",
      maxPoints: 10,
      maxAttempts: 2,
      status: "DRAFT",
    });
    const quizId = created.data.createAssignment.id as string;
    await must(instructor, PUBLISH, { id: quizId });

    const responses: unknown[] = [];
    const seen = async (viewer: Viewer, query: string, variables: Record<string, unknown>) => {
      const result = await harness.gql(viewer, query, variables);
      responses.push(result);
      return result;
    };
    // right, partly right (a subset scores nothing), right: 2 + 0 + 5
    const taken = await seen(ada, SUBMIT, {
      a: quizId,
      i: {
        answers: [
          { question: 0, choices: [1] },
          { question: 1, choices: [0, 3] },
          { question: 2, choices: [1] },
        ],
      },
    });
    expect(taken.errors).toBeUndefined();
    expect(taken.data.submitAssignment).toMatchObject({
      submission: { attempt: 1, status: "GRADED", late: false, grade: { points: 7, feedback: null } },
      upload: null,
    });
    const second = await seen(ada, SUBMIT, {
      a: quizId,
      i: { answers: [{ question: 1, choices: [3, 2, 0] }] },
    });
    expect(second.data.submitAssignment.submission).toMatchObject({ attempt: 2, grade: { points: 3 } });

    // the refusals of a learner who tries too often or sends what the quiz does not have
    const third = await seen(ada, SUBMIT, { a: quizId, i: { answers: [] } });
    expect(codeOf(third)).toMatchObject({ code: "CONFLICT", reason: "ATTEMPTS_EXHAUSTED" });
    for (const answers of [
      [{ question: 3, choices: [0] }],
      [{ question: 0, choices: [3] }],
      [{ question: 1, choices: [0, 0] }],
    ]) {
      const refused = await seen(ada, SUBMIT, { a: quizId, i: { answers } });
      expect(codeOf(refused)?.code).toBe("BAD_USER_INPUT");
    }
    const learnerView = (await seen(ada, ASSIGNMENT, { id: quizId })).data.assignment;
    await seen(ada, COURSE, { r: [{ __typename: "Course", id: course.id }] });
    await seen(instructor, ASSIGNMENT, { id: quizId });
    await seen(instructor, SUBMISSIONS, { id: quizId });

    expect(learnerView.questions).toEqual(QUESTIONS.map(({ correct: _key, ...question }) => question));
    expect(learnerView.viewerSubmissions.map((s: { grade: { points: number } }) => s.grade.points)).toEqual([7, 3]);

    await harness.settle();
    const outbox = await harness.db.query<{ type: string; payload: string }>(
      `SELECT "type", "event"::text AS payload FROM "assessment"."OutboxEvent" WHERE "subject" IN (
         SELECT "id"::text FROM "assessment"."Submission" WHERE "assignmentId" = $1::uuid) ORDER BY "seq"`,
      [quizId],
    );
    expect(outbox.map((row) => row.type)).toEqual([
      "campus.submission.created.v1",
      "campus.submission.graded.v1",
      "campus.submission.created.v1",
      "campus.submission.graded.v1",
    ]);
    expect(JSON.parse(outbox[1]!.payload).data).toMatchObject({ points: 7, maxPoints: 10, gradedBy: null, attempt: 1 });
    // nothing a response, a refusal or an event carries names the key
    for (const text of [...responses.map((r) => JSON.stringify(r)), ...outbox.map((row) => row.payload)]) {
      expect(text).not.toMatch(/"correct"|answers?Key/i);
      expect(text).not.toContain('"choices":[1]');
    }
  });

  it("refuses a draft to its learners (CONFLICT) and hides it from everyone else (NOT_FOUND)", async () => {
    const { course, instructor } = newCourse();
    const [ada, stranger] = [learner(), learner()];
    await enrol(ada, course.id);
    const { createAssignment } = await must(instructor, CREATE, {
      c: course.id,
      i: { title: "Later", instructions: "", kind: "ESSAY", maxPoints: 10 },
    });
    const submit = (viewer: Viewer) => harness.gql(viewer, SUBMIT, { a: createAssignment.id, i: { text: "Early" } });
    expect(codeOf(await submit(ada))).toMatchObject({ code: "CONFLICT", reason: "NOT_PUBLISHED" });
    expect(codeOf(await submit(stranger))?.code).toBe("NOT_FOUND");
    expect(codeOf(await harness.gql(ada, ASSIGNMENT, { id: createAssignment.id }))?.code).toBe("NOT_FOUND");

    await must(instructor, PUBLISH, { id: createAssignment.id });
    expect(codeOf(await submit(stranger))?.code).toBe("NOT_FOUND");
    expect((await submit(ada)).data.submitAssignment.submission.status).toBe("SUBMITTED");
    // a learner who left the course cannot hand in any more
    await enrol(ada, course.id, "CANCELLED");
    expect(codeOf(await submit(ada))?.code).toBe("NOT_FOUND");
  });

  it("checks a new assignment's input", async () => {
    const { course, instructor } = newCourse();
    const create = (input: Record<string, unknown>) =>
      harness.gql(instructor, CREATE, { c: course.id, i: { title: "T", instructions: "", ...input } });
    const refusals = [
      { kind: "ESSAY" },
      { kind: "ESSAY", maxPoints: 0 },
      { kind: "QUIZ", questions: [] },
      { kind: "QUIZ", questions: [{ ...QUESTIONS[0], correct: [] }] },
      { kind: "QUIZ", questions: [{ ...QUESTIONS[0], correct: [3] }] },
      { kind: "QUIZ", questions: [{ ...QUESTIONS[0], correct: [1, 1] }] },
      { kind: "QUIZ", maxPoints: 3, questions: [QUESTIONS[0]] },
      { kind: "ESSAY", maxPoints: 5, moduleId: randomUUID() },
    ];
    for (const input of refusals)
      expect([JSON.stringify(input), codeOf(await create(input))?.code]).toEqual([
        JSON.stringify(input),
        "BAD_USER_INPUT",
      ]);
    const inModule = await create({ kind: "ESSAY", maxPoints: 5, moduleId: course.modules[0]!.id });
    expect(inModule.errors).toBeUndefined();
    expect(
      codeOf(
        await harness.gql(learner(), CREATE, {
          c: course.id,
          i: { title: "T", instructions: "", kind: "ESSAY", maxPoints: 5 },
        }),
      )?.code,
    ).toBe("FORBIDDEN");
    expect(
      codeOf(
        await harness.gql(instructorOf(randomUUID()), CREATE, {
          c: course.id,
          i: { title: "T", instructions: "", kind: "ESSAY", maxPoints: 5 },
        }),
      )?.code,
    ).toBe("FORBIDDEN");
    expect(
      codeOf(
        await harness.gql(instructor, CREATE, {
          c: randomUUID(),
          i: { title: "T", instructions: "", kind: "ESSAY", maxPoints: 5 },
        }),
      )?.code,
    ).toBe("NOT_FOUND");
  });

  it("takes a FILE through its signed upload URL and counts it once the stored file is confirmed", async () => {
    const { course, instructor } = newCourse();
    const ada = learner();
    await enrol(ada, course.id);
    const { id } = await published(instructor, course.id, { kind: "FILE", maxPoints: 20 });
    const bytes = Buffer.from("%PDF-1.4 my report\n");
    const submit = (file: Record<string, unknown>) => harness.gql(ada, SUBMIT, { a: id, i: { file } });

    expect(
      codeOf(await submit({ name: "r.exe", contentType: "application/x-msdownload", sizeBytes: 10 })),
    ).toMatchObject({
      code: "BAD_USER_INPUT",
      reason: "FILE_TYPE_NOT_ALLOWED",
    });
    expect(
      codeOf(await submit({ name: "r.pdf", contentType: "application/pdf", sizeBytes: 26_214_401 })),
    ).toMatchObject({
      reason: "FILE_TOO_LARGE",
    });
    const started = await submit({ name: "report.pdf", contentType: "application/pdf", sizeBytes: bytes.length });
    expect(started.errors).toBeUndefined();
    const { submission, upload } = started.data.submitAssignment;
    expect(submission).toMatchObject({ status: "PENDING_UPLOAD", submittedAt: null, grade: null });
    expect(upload.method).toBe("PUT");

    expect(codeOf(await harness.gql(ada, COMPLETE, { s: submission.id }))).toMatchObject({
      code: "CONFLICT",
      reason: "UPLOAD_MISSING",
    });
    expect(codeOf(await harness.gql(learner(), COMPLETE, { s: submission.id }))?.code).toBe("NOT_FOUND");
    // nothing counts before the upload: the instructor sees no submission yet
    expect((await must(instructor, SUBMISSIONS, { id })).assignment.submissions.totalCount).toBe(0);

    const headers = Object.fromEntries(upload.headers.map((h: { name: string; value: string }) => [h.name, h.value]));
    const put = await fetch(upload.url, { method: "PUT", headers, body: bytes });
    expect(put.status).toBeLessThan(300);
    const completed = await harness.gql(ada, COMPLETE, { s: submission.id });
    expect(completed.errors).toBeUndefined();
    expect(completed.data.completeSubmissionUpload).toMatchObject({
      status: "SUBMITTED",
      attempt: 1,
      file: { name: "report.pdf", contentType: "application/pdf", sizeBytes: bytes.length },
    });

    const download = await must(
      instructor,
      `query($id: ID!) { assignment(id: $id) { submissions { edges { node { download { url } } } } } }`,
      { id },
    );
    const fetched = await fetch(download.assignment.submissions.edges[0].node.download.url);
    expect(Buffer.from(await fetched.arrayBuffer()).equals(bytes)).toBe(true);

    await harness.settle();
    const [created] = await harness.db.query<{ type: string }>(
      `SELECT "type" FROM "assessment"."OutboxEvent" WHERE "subject" = $1`,
      [submission.id],
    );
    expect(created?.type).toBe("campus.submission.created.v1");
    // the one attempt is used
    expect(codeOf(await submit({ name: "again.pdf", contentType: "application/pdf", sizeBytes: 3 }))).toMatchObject({
      reason: "ATTEMPTS_EXHAUSTED",
    });
  });

  it("sweeps FILE submissions whose upload never completed after the retention, with their files; the attempt stays free", async () => {
    const { course, instructor } = newCourse();
    const [ada, bob, cy] = [learner(), learner(), learner()];
    for (const viewer of [ada, bob, cy]) await enrol(viewer, course.id);
    const { id } = await published(instructor, course.id, { kind: "FILE", maxPoints: 10 });
    const bytes = Buffer.from("%PDF-1.4 draft\n");
    const { sweeper, files } = harness.services;
    type Upload = { url: string; headers: { name: string; value: string }[] };
    const put = async (upload: Upload) => {
      const headers = Object.fromEntries(upload.headers.map((h) => [h.name, h.value]));
      expect((await fetch(upload.url, { method: "PUT", headers, body: bytes })).status).toBeLessThan(300);
    };
    const start = async (viewer: Viewer) => {
      const file = { name: "draft.pdf", contentType: "application/pdf", sizeBytes: bytes.length };
      const { submitAssignment } = await must(viewer, SUBMIT, { a: id, i: { file } });
      return submitAssignment as { submission: { id: string; attempt: number; status: string }; upload: Upload };
    };
    const row = async (submissionId: string) =>
      (
        await harness.db.query<{ status: string; key: string }>(
          `SELECT "status", "fileKey" AS key FROM "assessment"."Submission" WHERE "id" = $1::uuid`,
          [submissionId],
        )
      )[0];

    const age = (submissionId: string) =>
      harness.db.query(
        `UPDATE "assessment"."Submission" SET "createdAt" = now() - interval '25 hours' WHERE "id" = $1::uuid`,
        [submissionId],
      );
    // ada uploaded and never completed, a day and an hour ago; bob asked a day ago and again just now; cy completed
    const abandoned = await start(ada);
    await put(abandoned.upload);
    const abandonedKey = (await row(abandoned.submission.id))!.key;
    await age(abandoned.submission.id);
    const first = await start(bob);
    await age(first.submission.id);
    const fresh = await start(bob);
    expect(fresh.submission.id).toBe(first.submission.id);
    await put(fresh.upload);
    const done = await start(cy);
    await put(done.upload);
    await must(cy, COMPLETE, { s: done.submission.id });
    const doneKey = (await row(done.submission.id))!.key;
    // a file whose submission is gone, and one whose key the subgraph never makes
    const stray = `submissions/${id}/${randomUUID()}`;
    const foreign = `submissions/${id}/notes.txt`;
    for (const key of [stray, foreign]) {
      await put(
        await files.uploadUrl({ key, contentType: "text/plain", sizeBytes: bytes.length, expiresInSeconds: 60 }),
      );
    }

    const now = await sweeper.sweep(new Date());
    expect(now.submissions).toBeGreaterThanOrEqual(1);
    expect(await row(abandoned.submission.id)).toBeUndefined();
    expect(await files.stat(abandonedKey)).toBeNull();
    expect(await row(fresh.submission.id)).toMatchObject({ status: "PENDING_UPLOAD" });
    expect(await row(done.submission.id)).toMatchObject({ status: "SUBMITTED" });
    for (const key of [doneKey, stray, foreign]) expect([key, await files.stat(key)]).toEqual([key, expect.anything()]);
    // the swept submission cannot be completed any more
    expect(codeOf(await harness.gql(ada, COMPLETE, { s: abandoned.submission.id }))?.code).toBe("NOT_FOUND");

    // it was never an attempt: ada starts over with attempt 1, a new submission, and it counts
    const again = await start(ada);
    expect(again.submission).toMatchObject({ attempt: 1, status: "PENDING_UPLOAD" });
    expect(again.submission.id).not.toBe(abandoned.submission.id);
    await put(again.upload);
    expect((await must(ada, COMPLETE, { s: again.submission.id })).completeSubmissionUpload).toMatchObject({
      status: "SUBMITTED",
      attempt: 1,
    });

    // a day later bob's is old too; his completion and the sweep race, and only one of them wins
    const later = new Date(Date.now() + 25 * 3_600_000);
    const [completed] = await Promise.all([
      harness.gql(bob, COMPLETE, { s: fresh.submission.id }),
      sweeper.sweep(later),
    ]);
    const freshKey = `submissions/${id}/${fresh.submission.id}`;
    if (completed.errors) {
      expect(await row(fresh.submission.id)).toBeUndefined();
      expect(await files.stat(freshKey)).toBeNull();
    } else {
      expect(completed.data.completeSubmissionUpload).toMatchObject({ status: "SUBMITTED", attempt: 1 });
      expect(await row(fresh.submission.id)).toMatchObject({ status: "SUBMITTED" });
      expect(await files.stat(freshKey)).not.toBeNull();
    }
    expect(await files.stat(stray)).toBeNull();
    expect(await files.stat(foreign)).not.toBeNull();
    expect(await files.stat(doneKey)).not.toBeNull();
    const counted = await must(instructor, SUBMISSIONS, { id });
    expect(counted.assignment.submissions.totalCount).toBe(completed.errors ? 2 : 3);
  });

  it("lets the course's instructor grade and re-grade an essay, within maxPoints; never a learner", async () => {
    const { course, instructor } = newCourse();
    const ada = learner();
    await enrol(ada, course.id);
    const { id } = await published(instructor, course.id, {
      kind: "ESSAY",
      maxPoints: 20,
      dueAt: "2020-01-01T00:00:00Z",
    });
    const { submitAssignment } = await must(ada, SUBMIT, { a: id, i: { text: "My essay" } });
    expect(submitAssignment.submission).toMatchObject({ status: "SUBMITTED", late: true, grade: null });
    const s = submitAssignment.submission.id;

    expect(codeOf(await harness.gql(ada, GRADE, { s, p: 20 }))?.code).toBe("FORBIDDEN");
    expect(codeOf(await harness.gql(instructorOf(randomUUID()), GRADE, { s, p: 20 }))?.code).toBe("FORBIDDEN");
    expect(codeOf(await harness.gql(instructor, GRADE, { s, p: 21 }))).toMatchObject({
      code: "BAD_USER_INPUT",
      reason: "POINTS_OUT_OF_RANGE",
    });
    expect(codeOf(await harness.gql(instructor, GRADE, { s, p: -1 }))?.code).toBe("BAD_USER_INPUT");

    const graded = await must(instructor, GRADE, { s, p: 12, f: "Good start" });
    expect(graded.gradeSubmission).toMatchObject({ status: "GRADED", grade: { points: 12, feedback: "Good start" } });
    const regraded = await must(admin(), GRADE, { s, p: 16, f: "Better on a second read" });
    expect(regraded.gradeSubmission.grade).toMatchObject({ points: 16, feedback: "Better on a second read" });
    const mine = await must(ada, ASSIGNMENT, { id });
    expect(mine.assignment.viewerSubmissions).toEqual([{ id: s, attempt: 1, status: "GRADED", grade: { points: 16 } }]);

    await harness.settle();
    const events = await harness.db.query<{ type: string; payload: string }>(
      `SELECT "type", "event"::text AS payload FROM "assessment"."OutboxEvent" WHERE "subject" = $1 ORDER BY "seq"`,
      [s],
    );
    expect(events.map((e) => [e.type, JSON.parse(e.payload).data.points, JSON.parse(e.payload).data.regrade])).toEqual([
      ["campus.submission.created.v1", undefined, undefined],
      ["campus.submission.graded.v1", 12, false],
      ["campus.submission.graded.v1", 16, true],
    ]);
    expect(JSON.parse(events[0]!.payload).data).toMatchObject({
      late: true,
      learnerId: ada.userId,
      instructorId: instructor.userId,
    });
    for (const event of events) expect(event.payload).not.toContain("My essay");
  });

  it("pages an assignment's submissions for its instructor only, and keeps a gradebook of best attempts", async () => {
    const { course, instructor } = newCourse();
    const learners = [learner(), learner(), learner()];
    for (const viewer of learners) await enrol(viewer, course.id);
    const quiz = await published(instructor, course.id, { kind: "QUIZ", maxAttempts: 3, questions: QUESTIONS });
    const essay = await published(instructor, course.id, { kind: "ESSAY", maxPoints: 20 });
    const answers = (right: boolean) => [{ question: 2, choices: [right ? 1 : 0] }];
    await must(learners[0]!, SUBMIT, { a: quiz.id, i: { answers: answers(false) } });
    await must(learners[0]!, SUBMIT, { a: quiz.id, i: { answers: answers(true) } });
    await must(learners[0]!, SUBMIT, { a: quiz.id, i: { answers: answers(false) } });
    await must(learners[1]!, SUBMIT, { a: quiz.id, i: { answers: answers(true) } });
    const { submitAssignment } = await must(learners[1]!, SUBMIT, { a: essay.id, i: { text: "Essay" } });
    await must(instructor, GRADE, { s: submitAssignment.submission.id, p: 11 });

    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 3; page += 1) {
      const { assignment } = await must(instructor, SUBMISSIONS, { id: quiz.id, first: 2, after });
      expect(assignment.submissions.totalCount).toBe(4);
      seen.push(...assignment.submissions.edges.map((edge: { node: { id: string } }) => edge.node.id));
      after = assignment.submissions.pageInfo.endCursor;
      if (!assignment.submissions.pageInfo.hasNextPage) break;
    }
    expect(seen).toHaveLength(4);
    expect(new Set(seen).size).toBe(4);
    expect((await must(learners[0]!, SUBMISSIONS, { id: quiz.id })).assignment.submissions).toBeNull();
    expect(codeOf(await harness.gql(instructor, SUBMISSIONS, { id: quiz.id, after: "not-a-cursor" }))?.code).toBe(
      "BAD_USER_INPUT",
    );

    const r = [{ __typename: "Course", id: course.id }];
    const [book] = (await must(instructor, GRADEBOOK, { r }))._entities;
    const rows = Object.fromEntries(book.gradebook.map((row: { learner: { id: string } }) => [row.learner.id, row]));
    expect(Object.keys(rows).sort()).toEqual([learners[0]!.userId, learners[1]!.userId].sort());
    expect(rows[learners[0]!.userId!]).toMatchObject({
      points: 5,
      maxPoints: 30,
      grades: [
        { assignment: { id: quiz.id }, points: 5 },
        { assignment: { id: essay.id }, points: null },
      ],
    });
    expect(rows[learners[1]!.userId!]).toMatchObject({ points: 16, maxPoints: 30 });
    expect(codeOf(await harness.gql(learners[0]!, GRADEBOOK, { r }))?.code).toBe("FORBIDDEN");
    expect(codeOf(await harness.gql(instructorOf(randomUUID()), GRADEBOOK, { r }))?.code).toBe("FORBIDDEN");

    // learners see published assignments, strangers none
    const visible = async (viewer: Viewer) => (await must(viewer, COURSE, { r }))._entities[0].assignments.length;
    expect(await visible(learners[2]!)).toBe(2);
    expect(await visible(learner())).toBe(0);
  });
});
