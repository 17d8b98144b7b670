import { randomUUID } from "node:crypto";
import type { Viewer } from "@campus/auth";
import { courseUpdated } from "@campus/events";
import { HARNESS_SECRET, startFakeSubgraph, type FakeSubgraph, type SubgraphHarness } from "@campus/testkit";
import type { CatalogCourse } from "./catalog.client";

/**
 * Stands in for the catalog subgraph (enrollment's neighbour) over real HTTP:
 * answers the federation `_entities` lookups enrollment makes from an
 * in-memory map, null for unknown ids, the way catalog does. Counts requests
 * so tests can check batching.
 */
export class FakeCatalog {
  readonly courses = new Map<string, CatalogCourse>();
  private fake?: FakeSubgraph;

  static async start(secret = HARNESS_SECRET): Promise<FakeCatalog> {
    const catalog = new FakeCatalog();
    catalog.fake = await startFakeSubgraph(secret, ({ query, variables }) => {
      if (!query.includes("_entities")) return { errors: [{ message: "bad request" }] };
      const ids = (variables.r as { id: string }[]).map((representation) => representation.id);
      if ((variables.r as { __typename: string }[])[0]?.__typename === "Module") {
        return { data: { found: ids.map((id) => catalog.moduleFacts(id)) } };
      }
      const facts = (id: string) => {
        const course = catalog.courses.get(id);
        return course ? { ...course, instructor: { id: course.instructorId } } : null;
      };
      return { data: { facts: ids.map(facts), modules: ids.map((id) => catalog.courses.get(id) ?? null) } };
    });
    return catalog;
  }

  get url(): string {
    return this.fake!.url;
  }

  /** The course ids of each request, in order. */
  get requests(): { ids: string[] }[] {
    return this.fake!.requests.map(({ variables }) => ({
      ids: (variables.r as { id: string }[]).map((representation) => representation.id),
    }));
  }

  forgetRequests(): void {
    this.fake!.requests.length = 0;
  }

  /** A module as catalog's `_entities` answers it: with its course's id, instructor and status. */
  private moduleFacts(id: string) {
    for (const course of this.courses.values()) {
      if (!course.modules.some((module) => module.id === id)) continue;
      return { id, course: { id: course.id, instructor: { id: course.instructorId }, status: course.status } };
    }
    return null;
  }

  /** Adds a course (free, published, unlimited, three modules unless told otherwise). */
  add(overrides: Partial<CatalogCourse> = {}): CatalogCourse {
    const course: CatalogCourse = {
      id: randomUUID(),
      instructorId: randomUUID(),
      status: "PUBLISHED",
      price: { amount: 0, currency: "EUR" },
      capacity: null,
      modules: [{ id: randomUUID() }, { id: randomUUID() }, { id: randomUUID() }],
      ...overrides,
    };
    this.courses.set(course.id, course);
    return course;
  }

  stop(): Promise<void> {
    return this.fake!.stop();
  }
}

let revision = 0;

/**
 * Changes a course the way catalog does: in the fake's answers and as a
 * course.updated event, and waits until enrollment's projection applied it.
 */
export async function changeCourse(h: SubgraphHarness<unknown>, catalog: FakeCatalog, course: CatalogCourse) {
  catalog.courses.set(course.id, course);
  revision += 1;
  await h.publish([
    {
      topic: courseUpdated.topic,
      event: courseUpdated.create("/campus/catalog", course.id, {
        courseId: course.id,
        revision,
        instructorId: course.instructorId ?? randomUUID(),
        title: "Changed",
        slug: `changed-${revision}`,
        status: course.status,
        price: course.price,
        capacity: course.capacity,
        moduleIds: course.modules.map((module) => module.id),
      }),
    },
  ]);
}

export const learner = (): Viewer => ({ userId: randomUUID(), roles: ["LEARNER"] });
export const admin = (): Viewer => ({ userId: randomUUID(), roles: ["LEARNER", "ADMIN"] });

/** Runs `work` and returns the error code it failed with (or "OK"). */
export async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return "OK";
  } catch (error) {
    return String((error as { extensions?: { code?: string } }).extensions?.code ?? (error as Error).name);
  }
}
