import { GraphQLDateTimeISO } from "graphql-scalars";
import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { PageInfo } from "@campus/subgraph";

export enum CourseLevel {
  BEGINNER = "BEGINNER",
  INTERMEDIATE = "INTERMEDIATE",
  ADVANCED = "ADVANCED",
}
// catalog's enum, repeated: composition requires the same values in every subgraph
registerEnumType(CourseLevel, { name: "CourseLevel" });

export enum SearchFacetField {
  CATEGORY = "category",
  LEVEL = "level",
  LANGUAGE = "language",
  PRICE_BAND = "priceBand",
  FREE = "free",
}
registerEnumType(SearchFacetField, { name: "SearchFacetField" });

/** Catalog owns Course; search returns references it resolves. */
@ObjectType("Course")
@Directive('@key(fields: "id")')
export class CourseEntity {
  @Field(() => ID)
  id!: string;
}

@InputType({ description: "Every field narrows the search; lists match any of their values." })
export class SearchFilter {
  @Field(() => [ID], { nullable: true })
  categoryIds?: string[] | null;

  @Field(() => [CourseLevel], { nullable: true })
  levels?: CourseLevel[] | null;

  @Field(() => [String], { nullable: true, description: 'ISO 639-1 codes, e.g. "en".' })
  languages?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: "true: price 0; false: priced." })
  free?: boolean | null;

  @Field(() => Int, { nullable: true, description: "Highest price in minor units, inclusive." })
  maxPrice?: number | null;

  @Field(() => ID, { nullable: true })
  instructorId?: string | null;
}

@ObjectType()
export class CourseSearchEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => String, {
    nullable: true,
    description:
      "The matched words in context: HTML-escaped course text with the matches in <mark>…</mark>. Null for an empty query.",
  })
  highlight!: string | null;

  @Field(() => CourseEntity)
  node!: CourseEntity;
}

@ObjectType()
export class SearchFacetBucket {
  @Field(() => String, { description: "What to put in the filter (a category id, a level, a language code, …)." })
  value!: string;

  @Field(() => String)
  label!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: "Counted under the query and every filter except this facet's own." })
export class SearchFacet {
  @Field(() => SearchFacetField)
  field!: SearchFacetField;

  @Field(() => [SearchFacetBucket], { description: "Buckets with no course are left out." })
  buckets!: SearchFacetBucket[];
}

@ObjectType()
export class CourseSearchConnection {
  @Field(() => Int)
  totalCount!: number;

  @Field(() => [CourseSearchEdge])
  edges!: CourseSearchEdge[];

  @Field(() => [SearchFacet], { description: "CATEGORY, LEVEL, LANGUAGE, PRICE_BAND and FREE, in that order." })
  facets!: SearchFacet[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@ObjectType()
export class CourseSuggestion {
  @Field(() => String, { description: "The course's title." })
  text!: string;

  @Field(() => CourseEntity)
  course!: CourseEntity;
}

export enum SearchIndexRebuildState {
  RUNNING = "RUNNING",
  SUCCEEDED = "SUCCEEDED",
  FAILED = "FAILED",
}
registerEnumType(SearchIndexRebuildState, { name: "SearchIndexRebuildState" });

@ObjectType({ description: "A rebuild of the search index from catalog, content and identity (docs/search.md)." })
export class SearchIndexRebuild {
  @Field(() => ID)
  id!: string;

  @Field(() => SearchIndexRebuildState)
  state!: SearchIndexRebuildState;

  @Field(() => GraphQLDateTimeISO)
  startedAt!: Date;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => Int, { description: "Published courses read from catalog so far." })
  coursesRead!: number;

  @Field(() => Int, { description: "Documents written to the new index so far." })
  documentsWritten!: number;

  @Field(() => String, { nullable: true, description: "Why it failed; the live index kept serving." })
  error!: string | null;
}

@ObjectType()
export class SearchIndexStatus {
  @Field(() => String, { description: '"postgres" (the embedded engine) or "opensearch".' })
  engine!: string;

  @Field(() => Int, { description: "Courses whose change is not in the index yet." })
  backlog!: number;

  @Field(() => SearchIndexRebuild, { nullable: true, description: "The latest rebuild, if any (kept a week)." })
  lastRebuild!: SearchIndexRebuild | null;
}
