import { Mutation, Query, Resolver } from "type-graphql";
import type { SearchFactsRepository } from "../data/search-facts.repository";
import type { CourseIndex } from "../engine/course-index";
import type { ReindexStatus, SearchReindexService } from "../service/search-reindex.service";
import { SearchIndexRebuild, SearchIndexRebuildState, SearchIndexStatus } from "./search.types";

const asRebuild = (status: ReindexStatus): SearchIndexRebuild => ({
  ...status,
  state: status.state as SearchIndexRebuildState,
  startedAt: new Date(status.startedAt),
  finishedAt: status.finishedAt ? new Date(status.finishedAt) : null,
});

/** The index's upkeep, for admins (`pnpm search:reindex` drives these). */
@Resolver()
export class SearchIndexResolver {
  constructor(
    private readonly reindex: SearchReindexService,
    private readonly facts: SearchFactsRepository,
    private readonly index: CourseIndex,
  ) {}

  @Query(() => SearchIndexStatus, { description: "Admins only." })
  async searchIndexStatus(): Promise<SearchIndexStatus> {
    const [backlog, last] = await Promise.all([this.facts.backlog(), this.reindex.status()]);
    return { engine: this.index.engine, backlog, lastRebuild: last ? asRebuild(last) : null };
  }

  @Mutation(() => SearchIndexRebuild, {
    description:
      "Admins only. Reloads the facts from catalog, content and identity and rebuilds the index beside the live one, which serves until the swap; answers at once (follow it with searchIndexStatus). CONFLICT while one runs.",
  })
  async rebuildSearchIndex(): Promise<SearchIndexRebuild> {
    return asRebuild(await this.reindex.start());
  }
}
