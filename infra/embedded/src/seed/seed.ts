import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Role, Viewer } from "@campus/auth";
import { LoaderRegistry } from "@campus/subgraph";
import type { Campus } from "../campus";
import { CATEGORIES, demoCourses, INSTRUCTORS, type DemoCourse } from "./catalog-data";
import { DEMO_ESSAY_TEXT, demoArticle, demoEssay, demoQuiz } from "./learning-data";

export const DEMO_PASSWORD = "campus-demo-password";

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

/** Demo learners who buy a paid course; the first one asks for a refund. */
const DEMO_ORDERS = 3;

/** Subscription plans of the demo; the learner after the buyers subscribes to the first. */
const DEMO_PLANS = [
  {
    name: "Campus Plus",
    description: "Every paid course while subscribed, billed monthly.",
    interval: "MONTH" as const,
    price: { amount: 2900, currency: "USD" },
    trialDays: 7,
  },
  {
    name: "Campus Plus Annual",
    description: "Every paid course while subscribed, billed yearly: two months free.",
    interval: "YEAR" as const,
    price: { amount: 29000, currency: "USD" },
  },
];

/** A resumed run meets what the interrupted one did (in the cart already, refunded already): that is fine. */
function alreadyDone(error: unknown): void {
  if ((error as { extensions?: { code?: string } }).extensions?.code !== "CONFLICT") throw error;
}

/**
 * Runs one resumable unit of the load again when a service it needs did not
 * answer in time (SERVICE_UNAVAILABLE: nothing was changed). On a busy first
 * start everything, PGlite included, shares one thread, and a catalog call
 * can miss its CATALOG_TIMEOUT_MS; that must not end `pnpm dev`. Up to about
 * a minute of retries: on a machine busy with other work (CI at load 10) four
 * attempts in 10 s were seen to run out.
 */
async function patiently<T>(work: () => Promise<T>, attempts = 10): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      const code = (error as { extensions?: { code?: string } }).extensions?.code;
      if (code !== "SERVICE_UNAVAILABLE" || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(500 * attempt, 3000)));
    }
  }
}

/** Waits until enrollment granted the order (the purchase saga runs on events). */
async function fulfilled(order: () => Promise<{ status: string }>): Promise<void> {
  for (let waited = 0; waited < 30_000; waited += 50) {
    const { status } = await order();
    if (status !== "PENDING_PAYMENT" && status !== "PAID") return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("a demo order was not fulfilled within 30 s");
}

/** What `seedDemoData` reports while it works: a step and how far it got. */
export type SeedProgress = (
  step: "accounts" | "categories" | "courses" | "content" | "assignments" | "enrollments" | "orders" | "submissions",
  done: number,
  total: number,
) => void;

export interface SeedOptions {
  courses?: number;
  /** Password of every demo account. */
  password?: string;
  progress?: SeedProgress;
  /** Stops the load between two writes (Ctrl-C); what was written stays and the next run resumes. */
  signal?: AbortSignal;
  /**
   * Written when the demo data is complete, and read to skip it next time
   * (the embedded runtime keeps it under DATA_DIR beside the database).
   */
  markerFile?: string;
}

const MARKER_VERSION = 1;

/** `work` for every item, `size` at a time, each batch settled before the next. */
async function inBatches<T>(items: T[], size: number, work: (item: T, index: number) => Promise<void>) {
  for (let start = 0; start < items.length; start += size) {
    await allSettledOrThrow(items.slice(start, start + size).map((item, offset) => work(item, start + offset)));
  }
}

/** Like Promise.all, but waits for every branch before failing, so nothing keeps writing after an error. */
async function allSettledOrThrow<T>(work: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(work);
  const failed = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failed) throw failed.reason;
  return results.map((result) => (result as PromiseFulfilledResult<T>).value);
}

function markerSays(markerFile: string | undefined): boolean {
  if (!markerFile || !existsSync(markerFile)) return false;
  try {
    return (JSON.parse(readFileSync(markerFile, "utf8")) as { version?: number }).version === MARKER_VERSION;
  } catch {
    return false;
  }
}

/**
 * Loads a living marketplace: six instructors with 60 courses across
 * categories and levels (with modules, most published), and learners with
 * enrollments and progress, through each subgraph's services (their rules
 * and events apply; no HTTP hop per write).
 *
 * Resumable: every step looks for what an interrupted earlier run already
 * made (accounts by email, categories by name, an instructor's courses in
 * creation order, modules by count, enrollments and progress by their own
 * idempotence) and adds only what is missing. The marker file is written
 * last, so a run stopped anywhere before it is completed by the next one.
 */
export async function seedDemoData(
  campus: Campus,
  options: SeedOptions = {},
): Promise<{ seeded: boolean; courses: number }> {
  const specs = demoCourses(options.courses ?? 60);
  if (markerSays(options.markerFile)) return { seeded: false, courses: specs.length };
  const password = options.password ?? DEMO_PASSWORD;
  const report = options.progress ?? (() => undefined);
  const progress: SeedProgress = (step, done, total) => {
    options.signal?.throwIfAborted();
    report(step, done, total);
  };
  const checkpoint = () => options.signal?.throwIfAborted();
  const { accounts } = campus.services.identity;
  const catalog = campus.services.catalog;
  const { enrollments } = campus.services.enrollment;
  const system: Viewer = { userId: "00000000-0000-0000-0000-000000000000", roles: ["ADMIN"] };

  // ---- accounts (hashing runs on libuv's threads, so in parallel) -----------
  const people = [
    { name: "Campus Admin", role: "ADMIN" as Role },
    ...INSTRUCTORS.map((name) => ({ name, role: "INSTRUCTOR" as Role })),
    ...LEARNERS.map((name) => ({ name, role: "LEARNER" as Role })),
  ];
  let accountsDone = 0;
  const viewers = await allSettledOrThrow(
    people.map(async ({ name, role }) => {
      checkpoint();
      const email = emailOf(name);
      const user = (await accounts.findByEmail(email)) ?? (await accounts.register({ email, name, password })).user;
      if (role !== "LEARNER") await accounts.grantRole(system, user.id, role);
      progress("accounts", (accountsDone += 1), people.length);
      return { userId: user.id, roles: role === "LEARNER" ? ["LEARNER"] : ["LEARNER", role] } as Viewer;
    }),
  );
  const admin = viewers[0]!;
  const instructors = viewers.slice(1, 1 + INSTRUCTORS.length);
  const learners = viewers.slice(1 + INSTRUCTORS.length);

  // ---- categories -------------------------------------------------------------
  const categoryIds = new Map((await catalog.categories.listCategories()).map((row) => [row.name, row.id]));
  for (const [index, name] of CATEGORIES.entries()) {
    checkpoint();
    if (!categoryIds.has(name)) categoryIds.set(name, (await catalog.courses.createCategory(admin, name)).id);
    progress("categories", index + 1, CATEGORIES.length);
  }

  // ---- courses: each instructor's in order, instructors side by side ----------
  let coursesDone = 0;
  const courseFor = new Map<
    number,
    { index: number; id: string; moduleIds: string[]; free: boolean; published: boolean }
  >();
  await allSettledOrThrow(
    instructors.map(async (instructor, k) => {
      const mine = specs
        .map((spec, index) => ({ spec, index }))
        .filter(({ index }) => index % instructors.length === k);
      // the listing is newest first; the specs are in creation order
      const existing = (
        await catalog.courses.listCourses(instructor, 100, null, { instructorId: instructor.userId })
      ).edges
        .map((edge) => edge.node)
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
      for (const [position, { spec, index }] of mine.entries()) {
        checkpoint();
        const course = existing[position] ?? (await createCourse(instructor, spec));
        courseFor.set(index, await completeCourse(instructor, course.id, course.status, spec, index));
        progress("courses", (coursesDone += 1), specs.length);
      }
    }),
  );

  async function createCourse(instructor: Viewer, spec: DemoCourse) {
    return catalog.courses.createCourse(instructor, {
      title: spec.title,
      description: spec.description,
      level: spec.level,
      categoryId: categoryIds.get(spec.category) ?? null,
      price: spec.price,
      capacity: spec.capacity,
    });
  }

  /** Adds the modules an interrupted run did not, then publishes (every tenth course stays a draft). */
  async function completeCourse(instructor: Viewer, courseId: string, status: string, spec: DemoCourse, index: number) {
    const loaders = new LoaderRegistry();
    const course = await catalog.courses.course(instructor, loaders, courseId);
    const modules = course ? await catalog.courses.modulesOf(loaders, course) : [];
    const moduleIds = modules.map((module) => module.id);
    for (const title of spec.modules.slice(moduleIds.length)) {
      checkpoint();
      const added = await catalog.courses.addModule(instructor, courseId, {
        title,
        summary: `${title} of ${spec.title}`,
      });
      moduleIds.push(added.id);
    }
    const published = index % 10 !== 9;
    if (published && status !== "PUBLISHED") await catalog.courses.publishCourse(instructor, courseId);
    return { index, id: courseId, moduleIds, free: spec.price.amount === 0, published };
  }

  // ---- enrollments and progress ----------------------------------------------
  const open = [...courseFor.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, course]) => course)
    .filter((course) => course.free && course.published);
  let learnersDone = 0;
  const seedEnrollments = () =>
    // a few learners at a time: each enroll and progress asks catalog live, and in one process
    // (PGlite included) too many at once starve those calls past CATALOG_TIMEOUT_MS
    inBatches(learners, 4, async (learner, index) => {
      for (const course of open.slice(index % 4, (index % 4) + 3)) {
        await patiently(async () => {
          checkpoint();
          const loaders = new LoaderRegistry();
          const held = await enrollments.viewerEnrollment(learner, loaders, course.id);
          const enrolled = held ?? (await enrollments.enroll(learner, loaders, course.id));
          // one registry for the learner's progress in this course: catalog is asked once, not per module
          for (const moduleId of course.moduleIds.slice(0, index % (course.moduleIds.length + 1))) {
            checkpoint();
            await enrollments.updateProgress(learner, loaders, enrolled.id, moduleId, true);
          }
        });
      }
      progress("enrollments", (learnersDone += 1), learners.length);
    });

  // ---- orders: a few learners buy a paid course (mock card), one asks for a refund ----
  // Paid courses only, so beside the enrollments (free courses) rather than after them.
  const seedOrders = async () => {
    const paid = [...courseFor.values()].filter((course) => !course.free && course.published);
    const { carts, checkout, orders, refunds } = campus.services.commerce;
    const buyers = learners.slice(0, DEMO_ORDERS);
    const placed = await allSettledOrThrow(
      buyers.map(async (buyer, index) => {
        const course = paid[index % paid.length]!;
        // the key makes a resumed run (or a retried one) find the order placed before
        const idempotencyKey = `demo-order-${buyer.userId}-${course.id}`;
        const { order } = await patiently(async () => {
          await carts.add(buyer, new LoaderRegistry(), course.id, null).catch(alreadyDone);
          return checkout.checkout(buyer, { idempotencyKey, paymentMethod: "pm_card_visa" });
        });
        progress("orders", index + 1, buyers.length);
        return { buyer, orderId: order.id };
      }),
    );
    // plans by name and the subscription by its key: a resumed run finds what it made
    const { plans, subscriptions } = campus.services.commerce;
    const existing = await plans.active();
    for (const plan of DEMO_PLANS) {
      if (!existing.some((known) => known.name === plan.name)) await plans.create(plan);
    }
    const plus = (await plans.active()).find((plan) => plan.name === DEMO_PLANS[0]!.name)!;
    const subscriber = learners[DEMO_ORDERS];
    if (subscriber && !(await subscriptions.mine(subscriber))) {
      await patiently(() =>
        subscriptions.subscribe(subscriber, {
          planId: plus.id,
          paymentMethod: "pm_card_visa",
          idempotencyKey: `demo-subscription-${subscriber.userId}`,
        }),
      );
    }
    const refunded = placed[0];
    if (refunded) {
      await fulfilled(() => orders.get(refunded.buyer, new LoaderRegistry(), refunded.orderId));
      await patiently(() =>
        refunds
          .request(refunded.buyer, new LoaderRegistry(), refunded.orderId, null, "Bought the wrong course")
          .catch(alreadyDone),
      );
    }
  };
  // ---- content: every course opens with an article in its first module ----------
  const { content } = campus.services.content;
  let contentDone = 0;
  const seedContent = async () => {
    await allSettledOrThrow(
      instructors.map(async (instructor, k) => {
        for (const [index, course] of [...courseFor.entries()].sort(([a], [b]) => a - b)) {
          if (index % instructors.length !== k) continue;
          const moduleId = course.moduleIds[0];
          if (moduleId) {
            await patiently(async () => {
              checkpoint();
              const loaders = new LoaderRegistry();
              // a resumed run finds the article an interrupted one wrote
              if ((await content.moduleContents(instructor, loaders, moduleId)).length > 0) return;
              await content.addContent(instructor, loaders, moduleId, {
                kind: "ARTICLE",
                ...demoArticle(specs[index]!),
              });
            });
          }
          progress("content", (contentDone += 1), courseFor.size);
        }
      }),
    );
  };

  // ---- assignments: a quiz in every course, an essay in the first free ones ----
  const { assignments, submissions } = campus.services.assessment;
  const essayCourses = new Set(open.slice(0, 3).map((course) => course.id));
  const instructorOf = (course: { index: number }) => instructors[course.index % instructors.length]!;
  let assignmentsDone = 0;
  const seedAssignments = async () => {
    await allSettledOrThrow(
      instructors.map(async (instructor) => {
        const mine = [...courseFor.values()].filter((course) => instructorOf(course) === instructor);
        for (const course of mine.sort((a, b) => a.index - b.index)) {
          await patiently(async () => {
            checkpoint();
            const loaders = new LoaderRegistry();
            // a resumed run finds what an interrupted one created, published or not
            const existing = await assignments.ofCourse(instructor, loaders, course.id);
            const spec = specs[course.index]!;
            const wanted = [
              { kind: "QUIZ" as const, ...demoQuiz(spec) },
              ...(essayCourses.has(course.id) ? [{ kind: "ESSAY" as const, ...demoEssay(spec) }] : []),
            ];
            for (const input of wanted) {
              const assignment =
                existing.find((row) => row.kind === input.kind) ??
                (await assignments.create(instructor, loaders, course.id, { ...input, maxAttempts: 3 }));
              await assignments.publish(instructor, loaders, assignment.id);
            }
          });
          progress("assignments", (assignmentsDone += 1), courseFor.size);
        }
      }),
    );
  };

  await allSettledOrThrow([seedContent(), seedAssignments(), seedEnrollments(), seedOrders()]);

  // ---- submissions: a few learners take a quiz (graded at once) and hand in an essay, one graded ----
  const submitters = learners.slice(0, 4);
  let submissionsDone = 0;
  for (const [index, learner] of submitters.entries()) {
    // the first course the learner enrolled in above, and the essay course learners 0 and 1 are both in
    const quizCourse = open[index % 4];
    const essayCourse = index < 2 ? open[2] : undefined;
    await patiently(async () => {
      checkpoint();
      const quiz = quizCourse && (await learnedAssignment(learner, quizCourse.id, "QUIZ"));
      if (quizCourse && quiz && (await submissions.ofViewer(learner, new LoaderRegistry(), quiz)).length === 0) {
        const { questions } = demoQuiz(specs[quizCourse.index]!);
        // every other learner gets the two-answer question half right: partial credit
        const answers = questions.map((question, n) => ({
          question: n,
          choices: index % 2 === 1 && question.correct.length > 1 ? question.correct.slice(0, 1) : question.correct,
        }));
        await submissions.submit(learner, new LoaderRegistry(), quiz.id, { answers });
      }
      if (essayCourse) {
        const essay = await learnedAssignment(learner, essayCourse.id, "ESSAY");
        const handedIn = await submissions.ofViewer(learner, new LoaderRegistry(), essay);
        const submission =
          handedIn[0] ??
          (await submissions.submit(learner, new LoaderRegistry(), essay.id, { text: DEMO_ESSAY_TEXT })).submission;
        if (index === 0 && submission.status !== "GRADED") {
          const grader = instructorOf(essayCourse);
          await submissions.grade(
            grader,
            new LoaderRegistry(),
            submission.id,
            17,
            "Clear plan; say how you will measure it.",
          );
        }
      }
    });
    progress("submissions", (submissionsDone += 1), submitters.length);
  }

  /** The course's assignment once assessment learned (from enrollment's events) that the learner takes part. */
  async function learnedAssignment(learner: Viewer, courseId: string, kind: "QUIZ" | "ESSAY") {
    for (let waited = 0; waited < 30_000; waited += 100) {
      const found = (await assignments.ofCourse(learner, new LoaderRegistry(), courseId)).find(
        (row) => row.kind === kind,
      );
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`assessment did not learn within 30 s that a demo learner takes part in ${courseId}`);
  }

  if (options.markerFile) {
    mkdirSync(path.dirname(options.markerFile), { recursive: true });
    writeFileSync(
      options.markerFile,
      JSON.stringify({ version: MARKER_VERSION, completedAt: new Date().toISOString(), courses: specs.length }),
    );
  }
  return { seeded: true, courses: specs.length };
}
