import type { Viewer } from "@campus/auth";
import { badInput, conflict, forbidden, notFound } from "@campus/errors";
import type { UnitOfWork } from "@campus/events";
import type { FileStore, SignedUpload } from "@campus/files";
import { decodeCursor, isUuid, pageSize, readableText, toConnection, type LoaderRegistry } from "@campus/subgraph";
import type { AssessmentTx, AssignmentRow, SubmissionRow } from "../data/assessment.prisma";
import type { AssignmentRepository } from "../data/assignment.repository";
import type { CourseLearnerRepository } from "../data/course-learner.repository";
import type { SubmissionRepository } from "../data/submission.repository";
import { SubmissionWrites } from "../data/submission.writes";
import { emitGraded, emitSubmitted } from "../events/submission.publisher";
import type { CourseAccess } from "./course.access";
import { checkAnswers, scoreQuiz } from "./quiz.grading";
import { checkSubmission, type FileRules, type SubmitInput } from "./submission.input";

export interface SubmissionSettings extends FileRules {
  /** How long an upload URL works. */
  uploadSeconds: number;
}

export interface SubmitResult {
  submission: SubmissionRow;
  /** FILE: where to PUT the file before completeSubmissionUpload. */
  upload: SignedUpload | null;
}

const exhausted = (assignment: AssignmentRow) =>
  conflict(`All ${assignment.maxAttempts} attempts at this assignment are used`, { reason: "ATTEMPTS_EXHAUSTED" });

/**
 * Submitting and grading. Learners ACTIVE or COMPLETED in the course submit to
 * its published assignments, up to the attempts limit (a FILE counts once its
 * upload is confirmed), late ones flagged; a QUIZ is graded on the spot. The
 * course's instructor or an admin grades ESSAY and FILE submissions, and may
 * grade again. Writes lock the learner's row of the course, so concurrent
 * submissions of one learner take turns and the limit holds.
 */
export class SubmissionService {
  constructor(
    private readonly assignments: AssignmentRepository,
    private readonly submissions: SubmissionRepository,
    private readonly learners: CourseLearnerRepository,
    private readonly access: CourseAccess,
    private readonly work: UnitOfWork<AssessmentTx>,
    private readonly files: FileStore,
    private readonly settings: SubmissionSettings,
  ) {}

  async submit(
    viewer: Viewer,
    loaders: LoaderRegistry,
    assignmentId: string,
    input: SubmitInput,
  ): Promise<SubmitResult> {
    const assignment = await this.assignments.byId(loaders, assignmentId);
    // only a course's learners may know its assignments exist
    if (!assignment || !(await this.access.takesPart(viewer, loaders, assignment.courseId))) {
      throw notFound("Assignment");
    }
    if (assignment.status !== "PUBLISHED") {
      throw conflict("This assignment is not published yet", { reason: "NOT_PUBLISHED" });
    }
    const learnerId = viewer.userId!;
    const checked = checkSubmission(assignment.kind, input, this.settings);
    const quiz = checked.kind === "QUIZ" ? await this.gradeQuiz(assignment.id, checked.answers) : undefined;

    const submission = await this.work.run(async (tx, emit) => {
      if (!(await this.learners.lockTakingPart(tx, learnerId, assignment.courseId))) throw notFound("Assignment");
      const writes = new SubmissionWrites(tx);
      const attempt = (await writes.countedAttempts(assignment.id, learnerId)) + 1;
      if (attempt > assignment.maxAttempts) throw exhausted(assignment);
      const now = new Date();
      const base = { assignmentId: assignment.id, courseId: assignment.courseId, learnerId, attempt };

      if (checked.kind === "FILE") {
        // one upload in waiting per learner: asking again replaces its declaration and URL,
        // and renews it (the sweep counts a pending upload's age from createdAt)
        const file = {
          fileName: checked.file.name,
          fileType: checked.file.contentType,
          fileSize: checked.file.sizeBytes,
        };
        const pending = await writes.pendingUpload(assignment.id, learnerId);
        if (pending) return writes.update(pending.id, { ...file, attempt, createdAt: now });
        const created = await writes.create({ ...base, ...file, status: "PENDING_UPLOAD" });
        return writes.update(created.id, { fileKey: fileKeyOf(created) });
      }
      const counted = { ...base, submittedAt: now, late: isLate(assignment, now) };
      if (checked.kind === "ESSAY") {
        const created = await writes.create({ ...counted, status: "SUBMITTED", text: checked.text });
        emitSubmitted(emit, assignment, created);
        return created;
      }
      const graded = await writes.create({
        ...counted,
        status: "GRADED",
        answers: quiz!.answers as unknown as object,
        points: quiz!.points,
        gradedAt: now,
      });
      emitSubmitted(emit, assignment, graded);
      emitGraded(emit, assignment, graded, false);
      return graded;
    });

    if (checked.kind !== "FILE") return { submission, upload: null };
    const upload = await this.files.uploadUrl({
      key: submission.fileKey!,
      contentType: checked.file.contentType,
      sizeBytes: checked.file.sizeBytes,
      expiresInSeconds: this.settings.uploadSeconds,
    });
    return { submission, upload };
  }

  /**
   * After the learner's PUT: the stored file must exist, be no larger than
   * declared and of the declared type. Then the submission counts (its
   * attempt, its time, its lateness) and `submission.created` goes out.
   */
  async completeUpload(viewer: Viewer, loaders: LoaderRegistry, submissionId: string): Promise<SubmissionRow> {
    const found = await this.own(viewer, loaders, submissionId);
    if (found.status !== "PENDING_UPLOAD") return found;
    const stored = await this.files.stat(found.fileKey!);
    if (!stored) throw conflict("Nothing was uploaded for this submission yet", { reason: "UPLOAD_MISSING" });
    if (stored.sizeBytes > found.fileSize! || stored.contentType.toLowerCase() !== found.fileType) {
      await this.files.delete(found.fileKey!);
      throw badInput("The uploaded file is not the one declared (size or type); upload it again", {
        reason: "UPLOAD_MISMATCH",
      });
    }
    const assignment = (await this.assignments.byId(loaders, found.assignmentId))!;
    return this.work.run(async (tx, emit) => {
      if (!(await this.learners.lockTakingPart(tx, found.learnerId, found.courseId))) throw notFound("Submission");
      const writes = new SubmissionWrites(tx);
      const pending = await writes.lock(found.id);
      // gone: the sweep removed it (its retention passed) before this lock
      if (!pending) throw notFound("Submission");
      if (pending.status !== "PENDING_UPLOAD") return pending;
      const attempt = (await writes.countedAttempts(assignment.id, found.learnerId)) + 1;
      if (attempt > assignment.maxAttempts) throw exhausted(assignment);
      const now = new Date();
      const submitted = await writes.update(found.id, {
        status: "SUBMITTED",
        attempt,
        fileSize: stored.sizeBytes,
        submittedAt: now,
        late: isLate(assignment, now),
      });
      emitSubmitted(emit, assignment, submitted);
      return submitted;
    });
  }

  async grade(
    viewer: Viewer,
    loaders: LoaderRegistry,
    submissionId: string,
    points: number,
    feedback: string | null,
  ): Promise<SubmissionRow> {
    const found = await this.byId(loaders, submissionId);
    if (!found) throw notFound("Submission");
    const assignment = (await this.assignments.byId(loaders, found.assignmentId))!;
    if (!(await this.access.manages(viewer, loaders, assignment.courseId))) {
      throw forbidden("Only the course's instructor or an admin grades its submissions");
    }
    if (assignment.kind === "QUIZ") {
      throw conflict("A QUIZ is graded when it is submitted", { reason: "AUTO_GRADED" });
    }
    if (!Number.isInteger(points) || points < 0 || points > assignment.maxPoints) {
      throw badInput(`points must be a whole number from 0 to ${assignment.maxPoints}`, {
        field: "points",
        reason: "POINTS_OUT_OF_RANGE",
      });
    }
    const note =
      feedback === null ? null : readableText(feedback, { field: "feedback", min: 0, max: 10_000, multiline: true });
    return this.work.run(async (tx, emit) => {
      const writes = new SubmissionWrites(tx);
      const current = await writes.lock(found.id);
      if (!current) throw notFound("Submission");
      if (current.status === "PENDING_UPLOAD") {
        throw conflict("The file of this submission is not uploaded yet", { reason: "NOT_SUBMITTED" });
      }
      const graded = await writes.update(found.id, {
        status: "GRADED",
        points,
        feedback: note || null,
        gradedAt: new Date(),
        gradedBy: viewer.userId,
      });
      emitGraded(emit, assignment, graded, current.status === "GRADED");
      return graded;
    });
  }

  /** The viewer's own submissions to the assignment, by attempt (none for anonymous callers). */
  ofViewer(viewer: Viewer, loaders: LoaderRegistry, assignment: AssignmentRow): Promise<SubmissionRow[]> {
    if (!viewer.userId) return Promise.resolve([]);
    return this.submissions.ofLearner(loaders, viewer.userId, assignment.id);
  }

  /**
   * Every counted submission to the assignment, in the order they came in:
   * for those who grade them. Null for anyone else (a learner sees their own
   * through viewerSubmissions).
   */
  async page(
    viewer: Viewer,
    loaders: LoaderRegistry,
    assignment: AssignmentRow,
    first: number | null,
    after: string | null,
  ) {
    if (!(await this.access.manages(viewer, loaders, assignment.courseId))) return null;
    const size = pageSize(first);
    const { rows, totalCount } = await this.submissions.page(assignment.id, size, decodeCursor(after));
    return { ...toConnection(rows, size, (row) => ({ at: row.submittedAt!, id: row.id })), totalCount };
  }

  /** A signed download of a FILE submission's file, for its learner and those who grade it. */
  download(submission: SubmissionRow) {
    if (!submission.fileKey || submission.status === "PENDING_UPLOAD") return null;
    return this.files.downloadUrl({
      key: submission.fileKey,
      fileName: submission.fileName ?? undefined,
      expiresInSeconds: this.settings.uploadSeconds,
    });
  }

  private async gradeQuiz(assignmentId: string, answers: SubmitInput["answers"] & object) {
    const key = await this.assignments.answerKey(assignmentId);
    const checked = checkAnswers(key, answers);
    return { answers: checked, points: scoreQuiz(key, checked) };
  }

  /** The viewer's own submission; anyone else's is NOT_FOUND. */
  private async own(viewer: Viewer, loaders: LoaderRegistry, id: string): Promise<SubmissionRow> {
    const found = await this.byId(loaders, id);
    if (!found || found.learnerId !== viewer.userId) throw notFound("Submission");
    return found;
  }

  private byId(loaders: LoaderRegistry, id: string) {
    return this.submissions.byId(loaders, id);
  }
}

/** Every FILE submission's file is stored under this prefix (content's are under `courses/`). */
export const FILE_PREFIX = "submissions/";

/**
 * Where a FILE submission's file is stored. Set in the transaction that
 * creates the row, before any upload URL exists, so a stored file no row
 * names has lost its submission.
 */
export const fileKeyOf = (submission: Pick<SubmissionRow, "assignmentId" | "id">) =>
  `${FILE_PREFIX}${submission.assignmentId}/${submission.id}`;

/** The submission id in a key fileKeyOf made; undefined for any other key. */
export function submissionIdOfKey(key: string): string | undefined {
  const [prefix, assignmentId, id, ...rest] = key.split("/");
  if (`${prefix}/` !== FILE_PREFIX || rest.length > 0 || !isUuid(assignmentId ?? "") || !isUuid(id ?? "")) {
    return undefined;
  }
  return id;
}

/** Late: submitted after the due date. Allowed, and flagged. */
export const isLate = (assignment: AssignmentRow, at: Date) => assignment.dueAt !== null && at > assignment.dueAt;
