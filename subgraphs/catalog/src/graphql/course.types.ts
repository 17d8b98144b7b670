import { GraphQLDateTimeISO } from "graphql-scalars";
import { Directive, Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { connectionTypes } from "@campus/subgraph";
import { CourseLevel, CourseStatus } from "../data/catalog.prisma";

registerEnumType(CourseLevel, { name: "CourseLevel" });
registerEnumType(CourseStatus, { name: "CourseStatus" });

@ObjectType("User", { description: "A Campus account, owned by the identity subgraph." })
@Directive('@key(fields: "id", resolvable: false)')
export class UserReference {
  @Field(() => ID)
  id!: string;
}

@ObjectType()
export class Category {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  slug!: string;
}

@ObjectType({ description: "A part of a course. Content adds contents." })
@Directive('@key(fields: "id")')
export class Module {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  summary!: string | null;

  @Field(() => Int, { description: "1-based and dense within the course." })
  position!: number;
}

/** price, category, instructor and modules are resolved by CourseFieldsResolver. */
@ObjectType({ description: "A course. Enrollment adds enrollmentCount and viewerEnrollment." })
@Directive('@key(fields: "id")')
export class Course {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String, { description: "Derived from the title at creation; never changes." })
  slug!: string;

  @Field(() => String)
  description!: string;

  @Field(() => CourseLevel)
  level!: CourseLevel;

  @Field(() => String)
  language!: string;

  @Field(() => Int, { nullable: true, description: "Seat limit; null means unlimited." })
  capacity!: number | null;

  @Field(() => CourseStatus)
  status!: CourseStatus;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  publishedAt!: Date | null;

  @Field(() => GraphQLDateTimeISO)
  createdAt!: Date;

  @Field(() => GraphQLDateTimeISO)
  updatedAt!: Date;
}

export const { Edge: CourseEdge, Connection: CourseConnection } = connectionTypes(Course, "Course");
export type CourseConnection = InstanceType<typeof CourseConnection>;
