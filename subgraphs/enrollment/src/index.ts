export { enrollmentConfigSchema, type EnrollmentConfig } from "./config";
export { createEnrollmentSubgraph, enrollmentSchema, ENROLLMENT_MIGRATIONS, type EnrollmentRuntime } from "./subgraph";
export { EnrollmentService } from "./service/enrollment-service";
export { CatalogClient, type CatalogCourse, type FetchLike } from "./data/catalog-client";
