import { z } from "zod";
import { defineEvent, registerEvents, uuid } from "../event-registry";

/**
 * Published by assessment (topic campus.assessment.events); subject = the
 * submission id. What notification (tell the instructor of a new submission,
 * the learner of a grade) and analytics (attempts, lateness, scores per
 * course) need, and nothing a learner could answer with: no quiz answers, no
 * answer keys, no essay text, no feedback.
 */
const submission = z.object({
  submissionId: uuid,
  assignmentId: uuid,
  assignmentTitle: z.string(),
  kind: z.enum(["ESSAY", "FILE", "QUIZ"]),
  courseId: uuid,
  moduleId: uuid.nullable(),
  /** The course's instructor when the assignment was created: who is told of new submissions. */
  instructorId: uuid,
  learnerId: uuid,
  /** 1, 2, … */
  attempt: z.number().int().positive(),
  /** ISO 8601. */
  submittedAt: z.string().datetime(),
  /** Submitted after the assignment's due date (allowed, flagged). */
  late: z.boolean(),
  maxPoints: z.number().int().nonnegative(),
});

/** A submission counts: an ESSAY or QUIZ at once, a FILE once its upload is confirmed. A QUIZ is GRADED already. */
export const submissionCreated = defineEvent(
  "campus.submission.created.v1",
  "assessment",
  submission.extend({ status: z.enum(["SUBMITTED", "GRADED"]) }),
);

/** A grade was given: a QUIZ on submission (gradedBy null), an ESSAY or FILE by an instructor, again on a re-grade. */
export const submissionGraded = defineEvent(
  "campus.submission.graded.v1",
  "assessment",
  submission.extend({
    points: z.number().int().nonnegative(),
    /** ISO 8601. */
    gradedAt: z.string().datetime(),
    gradedBy: uuid.nullable(),
    /** An earlier grade of this submission was replaced. */
    regrade: z.boolean(),
  }),
);

/**
 * An assignment was published: its learners may see and submit it from now on.
 * Subject = the assignment id. Notification reminds learners 24 h before
 * `dueAt` (docs/notifications.md); no instructions, questions or answer key.
 */
export const assignmentPublished = defineEvent(
  "campus.assignment.published.v1",
  "assessment",
  z.object({
    assignmentId: uuid,
    courseId: uuid,
    moduleId: uuid.nullable(),
    title: z.string(),
    kind: z.enum(["ESSAY", "FILE", "QUIZ"]),
    /** ISO 8601; null: no due date. */
    dueAt: z.string().datetime().nullable(),
    instructorId: uuid,
    /** ISO 8601. */
    publishedAt: z.string().datetime(),
  }),
);

registerEvents(submissionCreated, submissionGraded, assignmentPublished);

export type AssignmentPublishedData = z.infer<typeof assignmentPublished.data>;

export type SubmissionEventData = z.infer<typeof submission>;
