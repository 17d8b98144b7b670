/** Demo content: believable titles across categories and levels, generated deterministically. */
/** The demo instructors; course i is taught by INSTRUCTORS[i % 6]. */
export const INSTRUCTORS = [
  "Ada Lovelace",
  "Grace Hopper",
  "Alan Turing",
  "Katherine Johnson",
  "Edsger Dijkstra",
  "Barbara Liskov",
];

export const CATEGORIES = [
  "Programming",
  "Data Science",
  "Design",
  "Business",
  "Languages",
  "Music",
  "Photography",
  "Personal Finance",
];

const SUBJECTS: Record<string, string[]> = {
  Programming: ["TypeScript", "Rust", "Go", "Python", "GraphQL APIs", "Testing", "Algorithms", "Distributed Systems"],
  "Data Science": ["Statistics", "Pandas", "Machine Learning", "SQL Analytics", "Data Visualisation", "Time Series"],
  Design: ["Typography", "Figma", "Colour Theory", "UX Research", "Design Systems", "Illustration"],
  Business: ["Product Management", "Negotiation", "Marketing", "Accounting Basics", "Leadership", "Startups"],
  Languages: ["Spanish", "Japanese", "German", "French", "Mandarin", "Portuguese"],
  Music: ["Piano", "Guitar", "Music Theory", "Songwriting", "Mixing", "Jazz Harmony"],
  Photography: ["Portraits", "Street Photography", "Lighting", "Lightroom", "Film Photography"],
  "Personal Finance": ["Budgeting", "Investing", "Retirement Planning", "Taxes", "Index Funds"],
};

const LEVELS = ["BEGINNER", "INTERMEDIATE", "ADVANCED"] as const;
const FORMS = [
  "{s} from Scratch",
  "Practical {s}",
  "{s} in Depth",
  "Mastering {s}",
  "{s}: The Essentials",
  "Hands-on {s}",
];
const MODULE_TITLES = [
  "Getting started",
  "Core ideas",
  "Working examples",
  "Common mistakes",
  "A real project",
  "Going further",
  "Review and next steps",
];

export interface DemoCourse {
  category: string;
  title: string;
  description: string;
  level: (typeof LEVELS)[number];
  price: { amount: number; currency: string };
  capacity: number | null;
  modules: string[];
}

export function demoCourses(count: number): DemoCourse[] {
  const courses: DemoCourse[] = [];
  for (let i = 0; courses.length < count; i += 1) {
    const category = CATEGORIES[i % CATEGORIES.length]!;
    const subjects = SUBJECTS[category]!;
    const subject = subjects[Math.floor(i / CATEGORIES.length) % subjects.length]!;
    const form = FORMS[i % FORMS.length]!;
    const level = LEVELS[i % LEVELS.length]!;
    // about a third free, the rest priced like a real marketplace
    const amount = i % 3 === 0 ? 0 : [1900, 2900, 4900, 7900, 9900][i % 5]!;
    courses.push({
      category,
      title: `${form.replace("{s}", subject)}${i >= 48 ? ` (${2026 - (i % 3)} edition)` : ""}`,
      description: `A ${level.toLowerCase()} course in ${subject.toLowerCase()} for ${category.toLowerCase()} learners, with exercises after every module.`,
      level,
      price: { amount, currency: "USD" },
      capacity: i % 7 === 0 ? 25 : null,
      modules: MODULE_TITLES.slice(0, 3 + (i % 4)),
    });
  }
  return courses;
}
