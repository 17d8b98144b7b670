import { Arg, Int, Query, Resolver } from "type-graphql";
import type { CourseSearchService } from "../service/course-search.service";
import { CourseSearchConnection, CourseSuggestion, SearchFacetField, SearchFilter } from "./search.types";

@Resolver()
export class SearchResolver {
  constructor(private readonly search: CourseSearchService) {}

  @Query(() => CourseSearchConnection, {
    description:
      'PUBLISHED courses matching the words as a person types them (typos forgiven, "quoted phrases", -excluded words), best first; "" lists every course of the filter, newest first. At most 200 characters.',
  })
  async searchCourses(
    @Arg("query", () => String) query: string,
    @Arg("first", () => Int, { nullable: true, description: "0 to 50; 20 when left out." }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("filter", () => SearchFilter, { nullable: true }) filter: SearchFilter | null,
  ): Promise<CourseSearchConnection> {
    const result = await this.search.search({ query, first, after, filter });
    return {
      totalCount: result.totalCount,
      edges: result.hits.map((hit, i) => ({
        cursor: result.cursors[i]!,
        highlight: hit.highlight,
        node: { id: hit.courseId },
      })),
      facets: result.facets.map((facet) => ({ field: facet.field as SearchFacetField, buckets: facet.buckets })),
      pageInfo: { hasNextPage: result.hasNextPage, endCursor: result.cursors.at(-1) ?? null },
    };
  }

  @Query(() => [CourseSuggestion], {
    description: "As-you-type completions of PUBLISHED course titles, best first (at most 8).",
  })
  async suggestCourses(@Arg("prefix", () => String) prefix: string): Promise<CourseSuggestion[]> {
    return (await this.search.suggest(prefix)).map((suggestion) => ({
      text: suggestion.title,
      course: { id: suggestion.courseId },
    }));
  }
}
