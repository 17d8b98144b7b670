import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "@campus/subgraph";
import type { AssignmentRow, SubmissionRow } from "../data/assessment.prisma";
import type { AssignmentService } from "../service/assignment.service";
import type { SubmissionService } from "../service/submission.service";
import { Assignment, CreateAssignmentInput, QuizQuestion, Submission, SubmissionConnection } from "./assessment.types";

// Prisma's rows carry every field their object types declare, plus the columns field resolvers read.
const asAssignment = (row: AssignmentRow) => row as unknown as Assignment;
const asSubmissions = (rows: SubmissionRow[]) => rows as unknown as Submission[];

@Resolver(() => Assignment)
export class AssignmentResolver {
  constructor(
    private readonly assignments: AssignmentService,
    private readonly submissionService: SubmissionService,
  ) {}

  @Query(() => Assignment, {
    description: "To the course's instructor and admins; published ones to its learners. NOT_FOUND otherwise.",
  })
  async assignment(@Arg("id", () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return asAssignment(await this.assignments.get(ctx.viewer, ctx.loaders, id));
  }

  @Mutation(() => Assignment, { description: "The course's instructor or an admin; it starts as a DRAFT." })
  async createAssignment(
    @Arg("courseId", () => ID) courseId: string,
    @Arg("input", () => CreateAssignmentInput) input: CreateAssignmentInput,
    @Ctx() ctx: SubgraphContext,
  ) {
    return asAssignment(await this.assignments.create(ctx.viewer, ctx.loaders, courseId, input));
  }

  @Mutation(() => Assignment, { description: "Shows it to the course's learners; publishing twice changes nothing." })
  async publishAssignment(@Arg("id", () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return asAssignment(await this.assignments.publish(ctx.viewer, ctx.loaders, id));
  }

  @FieldResolver(() => [QuizQuestion], { description: "QUIZ: its questions in order (empty for other kinds)." })
  async questions(@Root() assignment: AssignmentRow, @Ctx() ctx: SubgraphContext) {
    return (await this.assignments.questions(ctx.loaders, assignment)) as QuizQuestion[];
  }

  @FieldResolver(() => [Submission], { description: "The signed-in user's own submissions, by attempt." })
  async viewerSubmissions(@Root() assignment: AssignmentRow, @Ctx() ctx: SubgraphContext) {
    return asSubmissions(await this.submissionService.ofViewer(ctx.viewer, ctx.loaders, assignment));
  }

  @FieldResolver(() => SubmissionConnection, {
    nullable: true,
    description: "Every counted submission, oldest first: for the course's instructor and admins, null for others.",
  })
  submissions(
    @Root() assignment: AssignmentRow,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: SubgraphContext,
  ) {
    return this.submissionService.page(
      ctx.viewer,
      ctx.loaders,
      assignment,
      first,
      after,
    ) as Promise<SubmissionConnection | null>;
  }
}
