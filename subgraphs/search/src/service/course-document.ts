import type { CourseDocument, CourseLevel } from "../engine/course-index";
import type { ArticleFactsRow, CourseFactsRow } from "../data/search.prisma";

/** Past this, an article's text is cut: a course is found by its beginning as well as by its whole. */
const MAX_ARTICLE_TEXT = 100_000;

export interface ModuleFact {
  id: string;
  title: string;
}

/**
 * Markdown to the words people read: link targets, images' URLs and HTML
 * tags go (they would make every course match "https"); the analyzers drop
 * the remaining punctuation.
 */
export function readableMarkdown(markdown: string): string {
  return markdown
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, " ")
    .replace(/https?:\/\/\S+/g, " ");
}

/**
 * The document a course is found by, from search's copy of the facts. Only
 * the articles of the course's current modules count; a course whose
 * instructor's name has not arrived yet is found by everything else.
 */
export function courseDocument(
  course: CourseFactsRow,
  articles: ArticleFactsRow[],
  instructorName: string | null,
  version: number,
): CourseDocument {
  const modules = course.modules as unknown as ModuleFact[];
  const moduleIds = new Set(modules.map((module) => module.id));
  const articleText = articles
    .filter((article) => article.courseId === course.courseId && moduleIds.has(article.moduleId))
    .map((article) => `${article.title}\n${readableMarkdown(article.body)}`)
    .join("\n\n")
    .slice(0, MAX_ARTICLE_TEXT);
  return {
    courseId: course.courseId,
    version,
    visible: course.status === "PUBLISHED",
    title: course.title,
    slug: course.slug,
    description: course.description,
    level: course.level as CourseLevel,
    language: course.language,
    category: course.categoryId ? { id: course.categoryId, name: course.categoryName ?? "" } : null,
    price: { amount: course.priceAmount, currency: course.priceCurrency },
    instructor: { id: course.instructorId, name: instructorName ?? "" },
    moduleTitles: modules.map((module) => module.title),
    articleText,
    publishedAt: course.publishedAt?.toISOString() ?? null,
  };
}
