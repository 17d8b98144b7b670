import { isAuthenticated, isInstructor } from "@campus/auth";
import type { SubgraphPermissions } from "@campus/subgraph";

/**
 * Who may call assessment's root fields (the router applies the same rules
 * first). Which course someone instructs or takes part in needs the rows, so
 * AssignmentService, SubmissionService and GradebookService decide that:
 * authoring and grading are for the course's instructor and admins, taking
 * part for its learners.
 */
export const assessmentPermissions: SubgraphPermissions = {
  Query: {
    assignment: isAuthenticated,
  },
  Mutation: {
    createAssignment: isInstructor,
    publishAssignment: isInstructor,
    gradeSubmission: isInstructor,
    submitAssignment: isAuthenticated,
    completeSubmissionUpload: isAuthenticated,
  },
  // a course's grades are its instructor's and admins' (GradebookService checks which course)
  Course: { gradebook: isInstructor },
};
