/**
 * The courses and the search of the recorded OpenSearch fixtures
 * (opensearch.record-fixtures.ts records with them, opensearch.course-index.test.ts
 * replays): fixed ids and times, so the requests come out the same every time.
 */
import type { CourseDocument, CourseSearchRequest } from "./course-index";
import { parseSearchText } from "./search-text";

export const FIXTURE_PREFIX = "campus-courses-fixture";

const PROGRAMMING = { id: "c0000000-0000-4000-8000-000000000001", name: "Programming" };
const DATA = { id: "c0000000-0000-4000-8000-000000000002", name: "Data" };
const LANGUAGES = { id: "c0000000-0000-4000-8000-000000000003", name: "Languages" };
export const ADA = { id: "a0000000-0000-4000-8000-000000000001", name: "Ada Lovelace" };
const GRACE = { id: "a0000000-0000-4000-8000-000000000002", name: "Grace Hopper" };

const course = (fields: Partial<CourseDocument> & Pick<CourseDocument, "courseId" | "title">): CourseDocument => ({
  version: 1,
  visible: true,
  slug: fields.title.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
  description: "",
  level: "BEGINNER",
  language: "en",
  category: PROGRAMMING,
  price: { amount: 0, currency: "USD" },
  instructor: ADA,
  moduleTitles: [],
  articleText: "",
  publishedAt: "2026-03-01T09:00:00.000Z",
  ...fields,
});

export const FIXTURE_COURSES: CourseDocument[] = [
  course({
    courseId: "10000000-0000-4000-8000-000000000001",
    version: 3,
    title: "Python Testing from Scratch",
    description: "Write unit tests for your Python code.",
    moduleTitles: ["Getting started", "Fixtures & mocks"],
    articleText: "<b>Welcome</b> to the course.",
  }),
  course({
    courseId: "10000000-0000-4000-8000-000000000002",
    title: "Practical Rust",
    level: "INTERMEDIATE",
    price: { amount: 2900, currency: "USD" },
    description: "Unit tests in Rust, for people who know Python.",
    publishedAt: "2026-03-02T09:00:00.000Z",
  }),
  course({
    courseId: "10000000-0000-4000-8000-000000000003",
    title: "Deutsch für Anfänger",
    language: "de",
    category: LANGUAGES,
    price: { amount: 9900, currency: "EUR" },
    instructor: GRACE,
    description: "Wir lernen die Sprache mit kurzen Übungen.",
    publishedAt: "2026-03-03T09:00:00.000Z",
  }),
  course({
    courseId: "10000000-0000-4000-8000-000000000004",
    title: "Python for Data Science",
    level: "INTERMEDIATE",
    category: DATA,
    price: { amount: 4900, currency: "USD" },
    description: "Pandas, unit tests and notebooks.",
    publishedAt: "2026-03-04T09:00:00.000Z",
  }),
];

/** Words (one misspelt), a phrase, an exclusion, every kind of filter, one hit a page. */
export const FIXTURE_SEARCH: CourseSearchRequest = {
  text: parseSearchText('pyhton "unit tests" -rust'),
  filter: { levels: ["BEGINNER", "INTERMEDIATE"], languages: ["en"], maxPrice: 5000, instructorId: ADA.id },
  first: 1,
};
