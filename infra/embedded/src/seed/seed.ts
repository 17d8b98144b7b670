import type { Campus } from "../campus";
import { CATEGORIES, demoCourses } from "./catalog-data";
import { graphql } from "./graphql-client";

const PASSWORD = "campus-demo-password";
export const DEMO_ADMIN = { email: "admin@campus.test", password: PASSWORD };
const INSTRUCTORS = [
  "Ada Lovelace",
  "Grace Hopper",
  "Alan Turing",
  "Katherine Johnson",
  "Edsger Dijkstra",
  "Barbara Liskov",
];
const LEARNERS = [
  "Mina Park",
  "Jonas Berg",
  "Aisha Khan",
  "Luis Ortega",
  "Chen Wei",
  "Sara Rossi",
  "Tom Adeyemi",
  "Nora Lind",
  "Ravi Patel",
  "Eva Novak",
  "Kofi Mensah",
  "Ines Duarte",
];

const emailOf = (name: string) => `${name.toLowerCase().replace(/[^a-z]+/g, ".")}@campus.test`;

/**
 * Loads a living marketplace: instructors with 60 courses across categories
 * and levels (with modules, most published), learners with enrollments and
 * progress. Accounts are created through the identity service (so the
 * router's signup rate limit does not apply to the seed); everything else goes
 * through the public GraphQL API like a client app. Running it twice is a no-op.
 */
export async function seedDemoData(
  campus: Campus,
  options: { courses?: number } = {},
): Promise<{ seeded: boolean; courses: number }> {
  const { accounts } = campus.services;
  const url = campus.routerUrl;
  const existing = await graphql<{ courses: { totalCount: number } }>(url, "{ courses(first: 1) { totalCount } }");
  if (existing.courses.totalCount > 0) return { seeded: false, courses: existing.courses.totalCount };

  const system = { userId: "00000000-0000-0000-0000-000000000000", roles: ["ADMIN" as const] };
  const account = async (name: string) => {
    const email = emailOf(name);
    try {
      return (await accounts.register({ email, name, password: PASSWORD })).user;
    } catch {
      return (await accounts.login(email, PASSWORD, "seed")).user;
    }
  };
  const tokenFor = async (name: string) => (await accounts.login(emailOf(name), PASSWORD, "seed")).accessToken;

  const admin = await account("Campus Admin");
  await accounts.grantRole(system, admin.id, "ADMIN");
  const adminToken = await tokenFor("Campus Admin");
  const categoryIds: Record<string, string> = {};
  for (const name of CATEGORIES) {
    const { createCategory } = await graphql(
      url,
      "mutation($n: String!) { createCategory(name: $n) { id } }",
      { n: name },
      adminToken,
    );
    categoryIds[name] = createCategory.id;
  }

  const instructorTokens: string[] = [];
  for (const name of INSTRUCTORS) {
    const user = await account(name);
    await accounts.grantRole(system, user.id, "INSTRUCTOR");
    instructorTokens.push(await tokenFor(name));
  }

  const courseIds: { id: string; modules: string[]; free: boolean; published: boolean }[] = [];
  const courses = demoCourses(options.courses ?? 60);
  for (const [index, course] of courses.entries()) {
    const token = instructorTokens[index % instructorTokens.length]!;
    const { createCourse } = await graphql(
      url,
      `
        mutation ($input: CreateCourseInput!) {
          createCourse(input: $input) {
            id
          }
        }
      `,
      {
        input: {
          title: course.title,
          description: course.description,
          level: course.level,
          categoryId: categoryIds[course.category],
          price: course.price,
          ...(course.capacity ? { capacity: course.capacity } : {}),
        },
      },
      token,
    );
    const moduleIds: string[] = [];
    for (const title of course.modules) {
      const { addModule } = await graphql(
        url,
        `
          mutation ($c: ID!, $input: AddModuleInput!) {
            addModule(courseId: $c, input: $input) {
              id
            }
          }
        `,
        { c: createCourse.id, input: { title, summary: `${title} of ${course.title}` } },
        token,
      );
      moduleIds.push(addModule.id);
    }
    // every tenth course stays a draft, so instructors see both states
    const published = index % 10 !== 9;
    if (published)
      await graphql(
        url,
        `
          mutation ($id: ID!) {
            publishCourse(id: $id) {
              id
            }
          }
        `,
        { id: createCourse.id },
        token,
      );
    courseIds.push({ id: createCourse.id, modules: moduleIds, free: course.price.amount === 0, published });
  }

  const open = courseIds.filter((c) => c.free && c.published);
  for (const [index, name] of LEARNERS.entries()) {
    await account(name);
    const token = await tokenFor(name);
    for (const course of open.slice(index % 4, (index % 4) + 3)) {
      const { enroll } = await graphql(
        url,
        `
          mutation ($c: ID!) {
            enroll(courseId: $c) {
              id
            }
          }
        `,
        { c: course.id },
        token,
      );
      for (const moduleId of course.modules.slice(0, index % (course.modules.length + 1))) {
        await graphql(
          url,
          `
            mutation ($e: ID!, $m: ID!) {
              updateProgress(enrollmentId: $e, moduleId: $m, completed: true) {
                id
              }
            }
          `,
          { e: enroll.id, m: moduleId },
          token,
        );
      }
    }
  }
  return { seeded: true, courses: courses.length };
}
