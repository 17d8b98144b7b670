import type { Viewer } from "@campus/auth";
import type { CatalogClient } from "@campus/catalog-client";
import { badInput, conflict, forbidden, notFound } from "@campus/errors";
import type { UnitOfWork } from "@campus/events";
import type { LoaderRegistry } from "@campus/subgraph";
import type { AssessmentTx, AssignmentRow } from "../data/assessment.prisma";
import { emitAssignmentPublished } from "../events/assignment.publisher";
import type { AssignmentRepository, PublicQuestion } from "../data/assignment.repository";
import { checkAssignmentInput, type AssignmentInput } from "./assignment.input";
import type { CourseAccess } from "./course.access";

/**
 * Assignments: authored by a course's instructor (or an admin) as drafts,
 * published once, shown to the course's learners only when published.
 * Someone who may not see an assignment gets NOT_FOUND, so ids cannot be probed.
 */
export class AssignmentService {
  constructor(
    private readonly assignments: AssignmentRepository,
    private readonly work: UnitOfWork<AssessmentTx>,
    private readonly catalog: CatalogClient,
    private readonly access: CourseAccess,
  ) {}

  async create(viewer: Viewer, loaders: LoaderRegistry, courseId: string, input: AssignmentInput) {
    const checked = checkAssignmentInput(input);
    const course = await this.catalog.course(loaders, courseId);
    if (!course) throw notFound("Course");
    if (!(await this.access.manages(viewer, loaders, courseId))) {
      throw forbidden("Only the course's instructor or an admin adds assignments");
    }
    if (course.status === "ARCHIVED") throw conflict("The course is archived", { reason: "COURSE_ARCHIVED" });
    // catalog shows a draft course's modules to its editors only, so a module is named once the course is published
    if (checked.moduleId && !course.modules.some((module) => module.id === checked.moduleId)) {
      throw badInput("moduleId is not a module of this published course", {
        field: "moduleId",
        reason: "UNKNOWN_MODULE",
      });
    }
    const { questions, ...fields } = checked;
    return this.work.run((tx) =>
      tx.assignment.create({
        data: {
          ...fields,
          courseId,
          instructorId: course.instructorId ?? viewer.userId!,
          createdBy: viewer.userId!,
          questions: { create: questions.map((question, position) => ({ ...question, position })) },
        },
      }),
    );
  }

  async publish(viewer: Viewer, loaders: LoaderRegistry, id: string): Promise<AssignmentRow> {
    const assignment = await this.assignments.byId(loaders, id);
    if (!assignment) throw notFound("Assignment");
    if (!(await this.access.manages(viewer, loaders, assignment.courseId))) {
      throw forbidden("Only the course's instructor or an admin publishes its assignments");
    }
    if (assignment.status === "PUBLISHED") return assignment;
    // published with its event: notification reminds the learners before it is due
    return this.work.run(async (tx, emit) => {
      const published = await tx.assignment.update({
        where: { id },
        data: { status: "PUBLISHED", publishedAt: new Date() },
      });
      emitAssignmentPublished(emit, published);
      return published;
    });
  }

  /** An assignment the viewer may see: every one to those who manage the course, published ones to its learners. */
  async get(viewer: Viewer, loaders: LoaderRegistry, id: string): Promise<AssignmentRow> {
    const assignment = await this.assignments.byId(loaders, id);
    if (!assignment || !(await this.visible(viewer, loaders, assignment))) throw notFound("Assignment");
    return assignment;
  }

  /** The course's assignments the viewer may see; none for those who neither manage nor take part in it. */
  async ofCourse(viewer: Viewer, loaders: LoaderRegistry, courseId: string): Promise<AssignmentRow[]> {
    const all = await this.assignments.ofCourse(loaders, courseId);
    if (all.length === 0) return all;
    const view = await this.access.view(viewer, loaders, courseId);
    if (view === "manage") return all;
    return view === "take" ? all.filter((assignment) => assignment.status === "PUBLISHED") : [];
  }

  async visible(viewer: Viewer, loaders: LoaderRegistry, assignment: AssignmentRow): Promise<boolean> {
    const view = await this.access.view(viewer, loaders, assignment.courseId);
    return view === "manage" || (view === "take" && assignment.status === "PUBLISHED");
  }

  questions(loaders: LoaderRegistry, assignment: AssignmentRow): Promise<PublicQuestion[]> {
    if (assignment.kind !== "QUIZ") return Promise.resolve([]);
    return this.assignments.questions(loaders, assignment.id);
  }
}
