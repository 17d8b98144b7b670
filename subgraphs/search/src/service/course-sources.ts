import { signedIdentityHeaders } from "@campus/auth";
import { serviceFetch } from "@campus/http";
import type { ArticleFactsInput, CourseFactsInput } from "../data/search-facts.repository";

/** A published course as catalog's `courses` lists it. */
export type SourceCourse = Omit<CourseFactsInput, "revision" | "instructorId"> & {
  instructor: { id: string };
  updatedAt: string;
};

export interface CourseSourcesOptions {
  /** The neighbours' GraphQL URLs, read on every call (the embedded runtime learns them once they listen). */
  url: (subgraph: "catalog" | "content" | "identity") => string;
  secret: string;
  timeoutMs: number;
}

const COURSES = `query($after: String) {
  courses(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      id title slug description level language status publishedAt updatedAt
      price { amount currency } instructor { id } category { id name } modules { id title }
    } }
  }
}`;
const COURSE_STATUS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Course { id status } } }`;
const MODULE_ARTICLES = `query($r: [_Any!]!) {
  _entities(representations: $r) { ... on Module { id contents { id kind title version body } } }
}`;
const NAMES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id name } } }`;

/**
 * Who the reindex reads as: an admin (drafts' articles are not needed, but
 * content shows module contents only to a signed-in editor), with the nil
 * UUID, which names no account.
 */
const REINDEX_VIEWER = { userId: "00000000-0000-0000-0000-000000000000", roles: ["ADMIN" as const] };

/** Thrown when a source subgraph cannot answer: the reindex stops and the live index keeps serving. */
export class SourceUnavailableError extends Error {
  override name = "SourceUnavailableError";
}

/**
 * What the reindex reads from the subgraphs that own the facts, over their
 * GraphQL APIs (never their tables), signed as an admin like the router's
 * requests: catalog's published courses, content's articles, identity's names.
 */
export class CourseSources {
  constructor(private readonly options: CourseSourcesOptions) {}

  /** Every published course, a page of 100 at a time. */
  async *publishedCourses(): AsyncGenerator<SourceCourse[]> {
    let after: string | null = null;
    for (;;) {
      type Page = {
        courses: {
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
          edges: { node: SourceCourse & { id: string } }[];
        };
      };
      const data: Page = await this.query<Page>("catalog", COURSES, { after });
      yield data.courses.edges.map(({ node }) => ({ ...node, courseId: node.id }));
      if (!data.courses.pageInfo.hasNextPage) return;
      after = data.courses.pageInfo.endCursor;
    }
  }

  /** The status catalog has for each course now (null: catalog does not know it). */
  async courseStatus(courseIds: string[]): Promise<Map<string, string | null>> {
    const found = await this.entities<{ id: string; status: string }>("catalog", COURSE_STATUS, "Course", courseIds);
    return new Map(courseIds.map((id, i) => [id, found[i]?.status ?? null]));
  }

  /** The current text of every ARTICLE in these courses' modules, in one call. */
  async articles(courses: { courseId: string; moduleIds: string[] }[]): Promise<ArticleFactsInput[]> {
    type Module = {
      id: string;
      contents: { id: string; kind: string; title: string; version: number; body: string | null }[];
    };
    const courseOf = new Map(courses.flatMap((course) => course.moduleIds.map((id) => [id, course.courseId] as const)));
    const modules = await this.entities<Module>("content", MODULE_ARTICLES, "Module", [...courseOf.keys()]);
    return modules.flatMap((module) =>
      (module?.contents ?? [])
        .filter((item) => item.kind === "ARTICLE" && item.body !== null)
        .map((item) => ({
          contentId: item.id,
          courseId: courseOf.get(module!.id)!,
          moduleId: module!.id,
          title: item.title,
          body: item.body!,
          version: item.version,
        })),
    );
  }

  async names(userIds: string[]): Promise<Map<string, string>> {
    const people = await this.entities<{ id: string; name: string }>("identity", NAMES, "User", userIds);
    return new Map(people.filter((person) => person !== null).map((person) => [person!.id, person!.name]));
  }

  private async entities<T>(
    subgraph: "catalog" | "content" | "identity",
    query: string,
    typename: string,
    ids: string[],
  ) {
    if (ids.length === 0) return [];
    const data = await this.query<{ _entities: (T | null)[] }>(subgraph, query, {
      r: ids.map((id) => ({ __typename: typename, id })),
    });
    return data._entities;
  }

  private async query<T>(subgraph: "catalog" | "content" | "identity", query: string, variables: object): Promise<T> {
    const url = this.options.url(subgraph);
    const body = JSON.stringify({ query, variables });
    let payload: { data?: T | null; errors?: { message: string }[] };
    try {
      const response = await serviceFetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          ...signedIdentityHeaders(this.options.secret, REINDEX_VIEWER, {
            method: "POST",
            path: new URL(url).pathname,
            body,
          }),
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      payload = (await response.json()) as typeof payload;
    } catch (error) {
      throw new SourceUnavailableError(`${subgraph} did not answer: ${(error as Error).message}`, { cause: error });
    }
    if (payload.errors?.length || !payload.data) {
      throw new SourceUnavailableError(
        `${subgraph} answered with errors: ${payload.errors?.map((e) => e.message).join("; ")}`,
      );
    }
    return payload.data;
  }
}
