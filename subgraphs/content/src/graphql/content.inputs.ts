import { GraphQLSafeInt } from "graphql-scalars";
import { Field, InputType } from "type-graphql";
import { ContentKind } from "../data/content.prisma";

@InputType({ description: "The file a VIDEO or PDF version will hold; checked again once uploaded." })
export class FileInput {
  @Field(() => String, { description: "Downloads are saved under this name." })
  name!: string;

  @Field(() => String, { description: "Must be on the kind's allow-list; the upload must have exactly this type." })
  contentType!: string;

  @Field(() => GraphQLSafeInt, { description: "The upload may not be larger." })
  sizeBytes!: number;
}

@InputType()
export class AddContentInput {
  @Field(() => ContentKind)
  kind!: ContentKind;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true, description: "ARTICLE only: markdown." })
  body?: string | null;

  @Field(() => FileInput, { nullable: true, description: "VIDEO and PDF only." })
  file?: FileInput | null;
}

@InputType()
export class ContentVersionInput {
  @Field(() => String, { nullable: true, description: "ARTICLE only: markdown." })
  body?: string | null;

  @Field(() => FileInput, { nullable: true, description: "VIDEO and PDF only." })
  file?: FileInput | null;
}
