export { subgraph, type SearchServices } from "./search.subgraph";
export type * from "./engine/course-index";
export { SearchEngineUnavailableError } from "./engine/course-index";
export { PostgresCourseIndex } from "./engine/postgres.course-index";
export { OpenSearchCourseIndex, type OpenSearchCourseIndexOptions } from "./engine/opensearch.course-index";
export { parseSearchText, type SearchText } from "./engine/search-text";
