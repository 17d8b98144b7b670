import { GraphQLDateTimeISO, GraphQLSafeInt } from "graphql-scalars";
import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { connectionTypes } from "@campus/subgraph";
import { AssignmentKind, AssignmentStatus, SubmissionStatus } from "../data/assessment.prisma";

registerEnumType(AssignmentKind, { name: "AssignmentKind" });
registerEnumType(AssignmentStatus, { name: "AssignmentStatus" });
registerEnumType(SubmissionStatus, { name: "SubmissionStatus" });

/** Catalog owns Course; assessment adds its assignments and gradebook. */
@ObjectType("Course")
@Directive('@key(fields: "id")')
export class CourseEntity {
  @Field(() => ID)
  id!: string;
}

/** Identity owns User; assessment names learners by reference. */
@ObjectType("User")
@Directive('@key(fields: "id")')
export class UserEntity {
  @Field(() => ID)
  id!: string;
}

@ObjectType({ description: "A quiz question as learners see it: never which choices are correct." })
export class QuizQuestion {
  @Field(() => String)
  prompt!: string;

  @Field(() => [String], { description: "Answered by index, 0-based." })
  choices!: string[];

  @Field(() => Int)
  points!: number;
}

@ObjectType({ description: "Work set in a course: an essay, a file to hand in, or a quiz graded at once." })
export class Assignment {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String)
  instructions!: string;

  @Field(() => AssignmentKind)
  kind!: AssignmentKind;

  @Field(() => AssignmentStatus, { description: "Learners see PUBLISHED assignments only." })
  status!: AssignmentStatus;

  @Field(() => ID, { nullable: true, description: "The module of the course it belongs to, if any." })
  moduleId!: string | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: "Later submissions are accepted and flagged late." })
  dueAt!: Date | null;

  @Field(() => Int)
  maxAttempts!: number;

  @Field(() => Int, { description: "A QUIZ's is the sum of its questions' points." })
  maxPoints!: number;

  courseId!: string;
}

@ObjectType()
export class Grade {
  @Field(() => Int)
  points!: number;

  @Field(() => String, { nullable: true })
  feedback!: string | null;

  @Field(() => GraphQLDateTimeISO)
  gradedAt!: Date;
}

@ObjectType({ description: "A signed URL that reads the file until it expires." })
export class SubmissionDownload {
  @Field(() => String)
  url!: string;

  @Field(() => GraphQLDateTimeISO)
  expiresAt!: Date;
}

@ObjectType({ description: "The file of a FILE submission." })
export class SubmittedFile {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  contentType!: string;

  @Field(() => GraphQLSafeInt)
  sizeBytes!: number;
}

@ObjectType({ description: "One attempt of a learner at an assignment; seen by that learner and those who grade it." })
export class Submission {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: "1, 2, …: counted attempts, in order." })
  attempt!: number;

  @Field(() => SubmissionStatus)
  status!: SubmissionStatus;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: "Null while a FILE waits for its upload." })
  submittedAt!: Date | null;

  @Field(() => Boolean, { description: "Submitted after the due date." })
  late!: boolean;

  @Field(() => String, { nullable: true, description: "ESSAY." })
  text!: string | null;

  assignmentId!: string;
  learnerId!: string;
}

@ObjectType({ description: "A header the upload must carry, exactly as given." })
export class SubmissionUploadHeader {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  value!: string;
}

@ObjectType({ description: "Where to PUT a FILE submission's file: it never passes through GraphQL." })
export class SubmissionUpload {
  @Field(() => String, { description: "Signed; works until expiresAt, for one file of at most the declared size." })
  url!: string;

  @Field(() => String, { description: "PUT." })
  method!: string;

  @Field(() => [SubmissionUploadHeader], { description: "Send each exactly as given." })
  headers!: SubmissionUploadHeader[];

  @Field(() => GraphQLDateTimeISO)
  expiresAt!: Date;
}

@ObjectType()
export class SubmitAssignmentPayload {
  @Field(() => Submission)
  submission!: Submission;

  @Field(() => SubmissionUpload, {
    nullable: true,
    description: "FILE: PUT the file here, then completeSubmissionUpload.",
  })
  upload!: SubmissionUpload | null;
}

@ObjectType({ description: "One published assignment in a learner's gradebook row." })
export class GradebookGrade {
  @Field(() => Assignment)
  assignment!: Assignment;

  @Field(() => Int, { nullable: true, description: "The best graded attempt; null while none is graded." })
  points!: number | null;
}

@ObjectType({ description: "A learner of the course who handed something in, with their grades." })
export class GradebookEntry {
  @Field(() => Int, { description: "Sum of the grades' points." })
  points!: number;

  @Field(() => Int, { description: "Sum of the published assignments' maxPoints." })
  maxPoints!: number;

  @Field(() => [GradebookGrade])
  grades!: GradebookGrade[];

  learnerId!: string;
}

@InputType()
export class QuestionInput {
  @Field(() => String)
  prompt!: string;

  @Field(() => [String])
  choices!: string[];

  @Field(() => [Int], { description: "Indices of the correct choices (at least one); never shown to learners." })
  correct!: number[];

  @Field(() => Int)
  points!: number;
}

@InputType()
export class CreateAssignmentInput {
  @Field(() => String)
  title!: string;

  @Field(() => String)
  instructions!: string;

  @Field(() => AssignmentKind)
  kind!: AssignmentKind;

  @Field(() => ID, { nullable: true, description: "A module of the (published) course." })
  moduleId?: string | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  dueAt?: Date | null;

  @Field(() => Int, { nullable: true, description: "Default 1." })
  maxAttempts?: number | null;

  @Field(() => Int, { nullable: true, description: "ESSAY and FILE; a QUIZ's is the sum of its questions' points." })
  maxPoints?: number | null;

  @Field(() => [QuestionInput], { nullable: true, description: "QUIZ only." })
  questions?: QuestionInput[] | null;
}

@InputType()
export class SubmissionFileInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  contentType!: string;

  @Field(() => GraphQLSafeInt)
  sizeBytes!: number;
}

@InputType()
export class QuizAnswerInput {
  @Field(() => Int, { description: "0-based." })
  question!: number;

  @Field(() => [Int], { description: "The chosen choices, 0-based." })
  choices!: number[];
}

@InputType({ description: "The part of the assignment's kind: text (ESSAY), file (FILE) or answers (QUIZ)." })
export class SubmitAssignmentInput {
  @Field(() => String, { nullable: true })
  text?: string | null;

  @Field(() => SubmissionFileInput, { nullable: true })
  file?: SubmissionFileInput | null;

  @Field(() => [QuizAnswerInput], { nullable: true })
  answers?: QuizAnswerInput[] | null;
}

export const { Edge: SubmissionEdge, Connection: SubmissionConnection } = connectionTypes(Submission, "Submission");
export type SubmissionConnection = InstanceType<typeof SubmissionConnection>;
