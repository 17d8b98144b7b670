export { subgraph, type AssessmentServices } from "./assessment.subgraph";
