export { subgraph, type ContentServices } from "./content.subgraph";
