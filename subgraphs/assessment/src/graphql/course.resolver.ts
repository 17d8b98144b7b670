import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "@campus/subgraph";
import type { GradebookRow } from "../service/gradebook";
import type { AssignmentService } from "../service/assignment.service";
import type { GradebookService } from "../service/gradebook.service";
import { Assignment, CourseEntity, GradebookEntry, UserEntity } from "./assessment.types";

@Resolver(() => CourseEntity)
export class CourseAssessmentResolver {
  constructor(
    private readonly assignmentService: AssignmentService,
    private readonly gradebooks: GradebookService,
  ) {}

  @FieldResolver(() => [Assignment], {
    description:
      "Oldest first: every one to the course's instructor and admins, the published ones to its learners, none to others.",
  })
  async assignments(@Root() course: CourseEntity, @Ctx() ctx: SubgraphContext) {
    return (await this.assignmentService.ofCourse(ctx.viewer, ctx.loaders, course.id)) as unknown as Assignment[];
  }

  @FieldResolver(() => [GradebookEntry], {
    description: "The course's instructor and admins: each learner who handed something in, best graded attempts.",
  })
  async gradebook(@Root() course: CourseEntity, @Ctx() ctx: SubgraphContext) {
    return (await this.gradebooks.ofCourse(ctx.viewer, ctx.loaders, course.id)) as unknown as GradebookEntry[];
  }
}

@Resolver(() => GradebookEntry)
export class GradebookEntryResolver {
  @FieldResolver(() => UserEntity, { description: "Resolved by the identity subgraph." })
  learner(@Root() row: GradebookRow): UserEntity {
    return { id: row.learnerId };
  }
}
