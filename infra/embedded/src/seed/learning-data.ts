import type { DemoCourse } from "./catalog-data";

/** The article every demo course opens with (markdown, as an instructor would write it). */
export function demoArticle(course: DemoCourse): { title: string; body: string } {
  return {
    title: `Welcome to ${course.title}`,
    body: [
      `# ${course.title}`,
      "",
      course.description,
      "",
      "## What we will cover",
      "",
      ...course.modules.map((module, index) => `${index + 1}. ${module}`),
      "",
      "Work through the modules in order; each ends with something to try on your own.",
    ].join("\n"),
  };
}
