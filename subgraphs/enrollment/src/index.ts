export { subgraph, type EnrollmentServices } from "./enrollment.subgraph";
export type { EnrollmentService } from "./service/enrollment.service";
export type { CatalogCourse } from "@campus/catalog-client";
