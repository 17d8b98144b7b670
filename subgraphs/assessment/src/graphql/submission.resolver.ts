import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "@campus/subgraph";
import type { SubmissionRow } from "../data/assessment.prisma";
import type { SubmissionService } from "../service/submission.service";
import {
  Grade,
  Submission,
  SubmissionDownload,
  SubmitAssignmentInput,
  SubmitAssignmentPayload,
  SubmittedFile,
  UserEntity,
} from "./assessment.types";

const asSubmission = (row: SubmissionRow) => row as unknown as Submission;

@Resolver(() => Submission)
export class SubmissionResolver {
  constructor(private readonly submissions: SubmissionService) {}

  @Mutation(() => SubmitAssignmentPayload, {
    description:
      "A learner of the course, to a published assignment within its attempts. A QUIZ is graded at once; a FILE counts once completeSubmissionUpload confirms its upload.",
  })
  async submitAssignment(
    @Arg("assignmentId", () => ID) assignmentId: string,
    @Arg("input", () => SubmitAssignmentInput) input: SubmitAssignmentInput,
    @Ctx() ctx: SubgraphContext,
  ) {
    return (await this.submissions.submit(
      ctx.viewer,
      ctx.loaders,
      assignmentId,
      input,
    )) as unknown as SubmitAssignmentPayload;
  }

  @Mutation(() => Submission, {
    description:
      "After the PUT: checks the stored file (there, size and type as declared); then the submission counts.",
  })
  async completeSubmissionUpload(@Arg("submissionId", () => ID) submissionId: string, @Ctx() ctx: SubgraphContext) {
    return asSubmission(await this.submissions.completeUpload(ctx.viewer, ctx.loaders, submissionId));
  }

  @Mutation(() => Submission, {
    description:
      "The course's instructor or an admin, ESSAY and FILE, 0 to maxPoints; grading again replaces the grade.",
  })
  async gradeSubmission(
    @Arg("submissionId", () => ID) submissionId: string,
    @Arg("points", () => Int) points: number,
    @Arg("feedback", () => String, { nullable: true }) feedback: string | null,
    @Ctx() ctx: SubgraphContext,
  ) {
    return asSubmission(await this.submissions.grade(ctx.viewer, ctx.loaders, submissionId, points, feedback ?? null));
  }

  @FieldResolver(() => UserEntity, { description: "Resolved by the identity subgraph." })
  learner(@Root() submission: SubmissionRow): UserEntity {
    return { id: submission.learnerId };
  }

  @FieldResolver(() => Grade, { nullable: true, description: "Null until graded." })
  grade(@Root() submission: SubmissionRow): Grade | null {
    if (submission.status !== "GRADED") return null;
    return { points: submission.points!, feedback: submission.feedback, gradedAt: submission.gradedAt! };
  }

  @FieldResolver(() => SubmittedFile, { nullable: true, description: "FILE." })
  file(@Root() submission: SubmissionRow): SubmittedFile | null {
    if (!submission.fileKey) return null;
    return {
      name: submission.fileName!,
      contentType: submission.fileType!,
      sizeBytes: submission.fileSize!,
    };
  }

  @FieldResolver(() => SubmissionDownload, { nullable: true, description: "FILE, once uploaded: reads the file." })
  download(@Root() submission: SubmissionRow): Promise<SubmissionDownload | null> | null {
    return this.submissions.download(submission);
  }
}
