import type { Viewer } from "@campus/auth";
import { forbidden } from "@campus/errors";
import type { LoaderRegistry } from "@campus/subgraph";
import type { AssignmentRepository } from "../data/assignment.repository";
import type { CourseLearnerRepository } from "../data/course-learner.repository";
import type { SubmissionRepository } from "../data/submission.repository";
import type { CourseAccess } from "./course.access";
import { buildGradebook, type GradebookRow } from "./gradebook";

/** A course's gradebook (rule in gradebook.ts), for its instructor and admins. */
export class GradebookService {
  constructor(
    private readonly assignments: AssignmentRepository,
    private readonly submissions: SubmissionRepository,
    private readonly learners: CourseLearnerRepository,
    private readonly access: CourseAccess,
  ) {}

  async ofCourse(viewer: Viewer, loaders: LoaderRegistry, courseId: string): Promise<GradebookRow[]> {
    if (!(await this.access.manages(viewer, loaders, courseId))) {
      throw forbidden("Only the course's instructor or an admin sees its gradebook");
    }
    const [assignments, submitters, learners, graded] = await Promise.all([
      this.assignments.ofCourse(loaders, courseId),
      this.submissions.submittersOf(courseId),
      this.learners.learnersOf(courseId),
      this.submissions.gradedOfCourse(courseId),
    ]);
    return buildGradebook(
      assignments,
      submitters.filter((learnerId) => learners.has(learnerId)),
      graded,
    );
  }
}
