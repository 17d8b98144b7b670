export { subgraph, type CatalogServices } from "./catalog.subgraph";
export type { CourseService, CourseFilter } from "./service/course.service";
export type { CategoryService } from "./service/category.service";
export type { CreateCourseInput, UpdateCourseInput, AddModuleInput, MoneyInput } from "./service/course.input";
export type { CacheStats } from "./data/course.cache";
