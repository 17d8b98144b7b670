import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "@campus/subgraph";
import type { CompletionService } from "../service/completion.service";
import type { ContentService } from "../service/content.service";
import type { ContentView } from "../service/content.view";
import { AddContentInput, ContentVersionInput } from "./content.inputs";
import {
  ContentCompletion,
  ContentItem,
  ContentPayload,
  ContentVersionType,
  FileDownload,
  ModuleEntity,
} from "./content.types";

// Views carry every field ContentItem declares, plus what download and versions are resolved from.
const asItem = (view: ContentView) => view as unknown as ContentItem;
const asView = (item: ContentItem) => item as unknown as ContentView;

@Resolver(() => ContentItem)
export class ContentResolver {
  constructor(
    private readonly contents: ContentService,
    private readonly completions: CompletionService,
  ) {}

  @Query(() => ContentItem, {
    description: "NOT_FOUND unless the caller teaches the course, is an admin or learns it.",
  })
  async content(@Arg("id", () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return asItem(await this.contents.content(ctx.viewer, ctx.loaders, id));
  }

  @Mutation(() => ContentPayload, {
    description:
      "Appends to the module. VIDEO and PDF start PENDING_UPLOAD with an upload URL; ARTICLE is READY at once.",
  })
  async addContent(
    @Arg("moduleId", () => ID) moduleId: string,
    @Arg("input", () => AddContentInput) input: AddContentInput,
    @Ctx() ctx: SubgraphContext,
  ) {
    return this.contents.addContent(ctx.viewer, ctx.loaders, moduleId, input);
  }

  @Mutation(() => ContentPayload, {
    description: "Learners keep seeing the current version until the new one is READY.",
  })
  async addContentVersion(
    @Arg("contentId", () => ID) contentId: string,
    @Arg("input", () => ContentVersionInput) input: ContentVersionInput,
    @Ctx() ctx: SubgraphContext,
  ) {
    return this.contents.addContentVersion(ctx.viewer, ctx.loaders, contentId, input);
  }

  @Mutation(() => ContentItem, {
    description: "Checks the uploaded file (exists, size and type as declared) and makes the newest version current.",
  })
  async completeUpload(@Arg("contentId", () => ID) contentId: string, @Ctx() ctx: SubgraphContext) {
    return asItem(await this.contents.completeUpload(ctx.viewer, ctx.loaders, contentId));
  }

  @Mutation(() => [ContentItem], {
    description: "contentIds must list every item of the module once, in the new order.",
  })
  async reorderContent(
    @Arg("moduleId", () => ID) moduleId: string,
    @Arg("contentIds", () => [ID]) contentIds: string[],
    @Ctx() ctx: SubgraphContext,
  ) {
    return (await this.contents.reorderContent(ctx.viewer, ctx.loaders, moduleId, contentIds))
      .filter((view): view is ContentView => view !== null)
      .map(asItem);
  }

  @Mutation(() => ContentCompletion, {
    description: "The learner's own; a module whose READY items are all complete counts as completed progress.",
  })
  async completeContent(@Arg("contentId", () => ID) contentId: string, @Ctx() ctx: SubgraphContext) {
    const { item, moduleCompleted } = await this.completions.completeContent(ctx.viewer, ctx.loaders, contentId);
    return { content: asItem(await this.contents.content(ctx.viewer, ctx.loaders, item.id)), moduleCompleted };
  }

  @FieldResolver(() => FileDownload, {
    nullable: true,
    description: "VIDEO and PDF, once READY: a fresh signed URL on every read.",
  })
  download(@Root() item: ContentItem) {
    return this.contents.download(asView(item));
  }

  @FieldResolver(() => [ContentVersionType], { description: "Oldest first; learners see the READY ones." })
  async versions(@Root() item: ContentItem, @Ctx() ctx: SubgraphContext) {
    const rows = await this.contents.versions(ctx.loaders, asView(item));
    return rows.map((row) => ({ ...row, sizeBytes: row.sizeBytes === null ? null : Number(row.sizeBytes) }));
  }

  @FieldResolver(() => Boolean, { description: "Whether the caller marked it complete." })
  viewerCompleted(@Root() item: ContentItem, @Ctx() ctx: SubgraphContext) {
    return this.contents.viewerCompleted(ctx.viewer, ctx.loaders, asView(item));
  }
}

@Resolver(() => ModuleEntity)
export class ModuleContentsResolver {
  constructor(private readonly service: ContentService) {}

  @FieldResolver(() => [ContentItem], {
    description: "In position order; empty for those who neither teach, administer nor learn the course.",
  })
  async contents(@Root() module: ModuleEntity, @Ctx() ctx: SubgraphContext) {
    return (await this.service.moduleContents(ctx.viewer, ctx.loaders, module.id)).map(asItem);
  }
}
