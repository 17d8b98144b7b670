import { GraphQLDateTimeISO, GraphQLSafeInt } from "graphql-scalars";
import { Directive, Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { ContentKind, ContentStatus } from "../data/content.prisma";

registerEnumType(ContentKind, { name: "ContentKind" });
registerEnumType(ContentStatus, { name: "ContentStatus" });

@ObjectType({ description: "A header the upload must carry, exactly as given." })
export class UploadHeader {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  value!: string;
}

@ObjectType({ description: "Where to send a file: the file goes there, never through GraphQL." })
export class FileUpload {
  @Field(() => String, { description: "Signed; works until expiresAt, for one file of at most the declared size." })
  url!: string;

  @Field(() => String, { description: "PUT." })
  method!: string;

  @Field(() => [UploadHeader])
  headers!: UploadHeader[];

  @Field(() => GraphQLDateTimeISO)
  expiresAt!: Date;
}

@ObjectType({ description: "A signed URL that reads the file until it expires." })
export class FileDownload {
  @Field(() => String)
  url!: string;

  @Field(() => GraphQLDateTimeISO)
  expiresAt!: Date;
}

@ObjectType("ContentVersion", { description: "One version of a content item; the history stays." })
export class ContentVersionType {
  @Field(() => Int)
  version!: number;

  @Field(() => ContentStatus)
  status!: ContentStatus;

  @Field(() => GraphQLDateTimeISO)
  createdAt!: Date;

  @Field(() => GraphQLSafeInt, { nullable: true, description: "VIDEO and PDF: the stored size once READY." })
  sizeBytes!: number | null;

  @Field(() => String, { nullable: true })
  contentType!: string | null;
}

/** download, versions and viewerCompleted are resolved by ContentFieldsResolver. */
@ObjectType({
  description:
    "A video, PDF or article of a module. Learners see its current READY version; its instructor and admins its newest.",
})
@Directive('@key(fields: "id")')
export class ContentItem {
  @Field(() => ID)
  id!: string;

  @Field(() => ContentKind)
  kind!: ContentKind;

  @Field(() => String)
  title!: string;

  @Field(() => Int, { description: "1-based and dense within the module." })
  position!: number;

  @Field(() => ContentStatus, { description: "Of the version shown." })
  status!: ContentStatus;

  @Field(() => Int, { description: "The version shown." })
  version!: number;

  @Field(() => String, { nullable: true, description: "ARTICLE: markdown, as sent." })
  body!: string | null;

  @Field(() => GraphQLSafeInt, { nullable: true, description: "VIDEO and PDF: declared, or stored once READY." })
  sizeBytes!: number | null;

  @Field(() => String, { nullable: true })
  contentType!: string | null;
}

@ObjectType()
export class ContentPayload {
  @Field(() => ContentItem)
  content!: ContentItem;

  @Field(() => FileUpload, { nullable: true, description: "VIDEO and PDF: PUT the file here, then completeUpload." })
  upload!: FileUpload | null;
}

@ObjectType()
export class ContentCompletion {
  @Field(() => ContentItem)
  content!: ContentItem;

  @Field(() => Boolean, { description: "Every READY item of the module is complete for the learner." })
  moduleCompleted!: boolean;
}

/** Catalog owns Module; content adds its contents. */
@ObjectType("Module")
@Directive('@key(fields: "id")')
export class ModuleEntity {
  @Field(() => ID)
  id!: string;
}
