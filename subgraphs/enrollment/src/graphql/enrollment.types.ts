import { GraphQLDateTimeISO } from "graphql-scalars";
import { Directive, Field, Float, ID, ObjectType, registerEnumType } from "type-graphql";
import { connectionTypes } from "@campus/subgraph";

export enum EnrollmentStatus {
  ACTIVE = "ACTIVE",
  COMPLETED = "COMPLETED",
  CANCELLED = "CANCELLED",
}
registerEnumType(EnrollmentStatus, { name: "EnrollmentStatus" });

@ObjectType({ description: "A learner's place in a course." })
@Directive('@key(fields: "id")')
export class Enrollment {
  @Field(() => ID)
  id!: string;

  @Field(() => EnrollmentStatus)
  status!: EnrollmentStatus;

  @Field(() => Float, { description: "Completed modules / modules of the course, 0..1." })
  progress!: number;

  @Field(() => GraphQLDateTimeISO)
  enrolledAt!: Date;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: "When progress reached 1." })
  completedAt!: Date | null;

  // Not fields: the Course and User references are built from these.
  userId!: string;
  courseId!: string;
}

/** Catalog owns Course; enrollment adds what it knows about a course. */
@ObjectType("Course")
@Directive('@key(fields: "id")')
export class CourseEntity {
  @Field(() => ID)
  id!: string;
}

/** Identity owns User; enrollment adds the user's enrollments. */
@ObjectType("User")
@Directive('@key(fields: "id")')
export class UserEntity {
  @Field(() => ID)
  id!: string;
}

export const { Edge: EnrollmentEdge, Connection: EnrollmentConnection } = connectionTypes(Enrollment, "Enrollment");
export type EnrollmentConnection = InstanceType<typeof EnrollmentConnection>;
