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

export interface DemoQuestion {
  prompt: string;
  choices: string[];
  correct: number[];
  points: number;
}

/**
 * The quiz every demo course ends with: one question per module (up to
 * three), the module's own title among made-up ones; the last question has
 * two right answers, so the demo shows partial credit.
 */
export function demoQuiz(course: DemoCourse): { title: string; instructions: string; questions: DemoQuestion[] } {
  const modules = course.modules.slice(0, 3);
  const questions = modules.map((module) => ({
    prompt: `Which of these is a module of "${course.title}"?`,
    choices: [`Advanced ${course.category} trivia`, module, `History of ${course.level.toLowerCase()} courses`],
    correct: [1],
    points: 2,
  }));
  questions.push({
    prompt: "Which of these describe this course?",
    choices: [course.description.split(".")[0] ?? course.title, course.category, "Nothing at all"],
    correct: [0, 1],
    points: 4,
  });
  return {
    title: `Check your understanding: ${course.title}`,
    instructions: "Pick every answer that is right. One question may have more than one.",
    questions,
  };
}

/** The essay the first few free courses ask for. */
export function demoEssay(course: DemoCourse): { title: string; instructions: string; maxPoints: number } {
  return {
    title: `Reflection: ${course.title}`,
    instructions: `In a few paragraphs, say what you will do with ${course.title.toLowerCase()} next month.`,
    maxPoints: 20,
  };
}

/** What demo learners write; the first one gets a grade and feedback. */
export const DEMO_ESSAY_TEXT =
  "I will use what I learned to plan a small project, set aside two evenings a week, and write down what went wrong.";
