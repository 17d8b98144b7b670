import { MoneyInput } from "@campus/subgraph";
import { Field, ID, InputType, Int } from "type-graphql";
import { CourseLevel, CourseStatus } from "../data/catalog.prisma";

@InputType()
export class CreateCourseInput {
  @Field(() => String)
  title!: string;

  @Field(() => String)
  description!: string;

  @Field(() => CourseLevel)
  level!: CourseLevel;

  @Field(() => ID, { nullable: true })
  categoryId?: string | null;

  @Field(() => MoneyInput)
  price!: MoneyInput;

  @Field(() => Int, { nullable: true, description: "Omit for unlimited seats." })
  capacity?: number | null;

  @Field(() => String, { nullable: true, description: "Defaults to en." })
  language?: string | null;
}

@InputType({ description: "Omitted fields stay as they are; null clears categoryId and capacity." })
export class UpdateCourseInput {
  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => CourseLevel, { nullable: true })
  level?: CourseLevel | null;

  @Field(() => ID, { nullable: true })
  categoryId?: string | null;

  @Field(() => MoneyInput, { nullable: true })
  price?: MoneyInput | null;

  @Field(() => Int, { nullable: true })
  capacity?: number | null;

  @Field(() => String, { nullable: true })
  language?: string | null;
}

@InputType()
export class AddModuleInput {
  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  summary?: string | null;
}

@InputType()
export class CourseFilter {
  @Field(() => ID, { nullable: true })
  categoryId?: string | null;

  @Field(() => CourseLevel, { nullable: true })
  level?: CourseLevel | null;

  @Field(() => Boolean, { nullable: true, description: "true: price 0; false: price above 0." })
  free?: boolean | null;

  @Field(() => Int, { nullable: true, description: "Highest price in minor units." })
  maxPrice?: number | null;

  @Field(() => ID, {
    nullable: true,
    description: "Your own id (or any, for admins) also lists drafts and archived courses.",
  })
  instructorId?: string | null;

  @Field(() => CourseStatus, { nullable: true, description: "Only with instructorId of yourself (or as admin)." })
  status?: CourseStatus | null;
}
