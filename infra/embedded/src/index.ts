export { startCampus, type Campus, type CampusOptions } from "./campus";
export { seedDemoData } from "./seed/seed";
