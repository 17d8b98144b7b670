import { signedIdentityHeaders } from "@campus/auth";
import { DomainError } from "@campus/errors";
import { serviceFetch } from "@campus/http";
import type { Logger } from "@campus/logging";
import { isUuid, type LoaderRegistry } from "@campus/subgraph";

/** The course facts enrollment decides on; catalog owns them. */
export interface CatalogCourse {
  id: string;
  /** Null only in projection rows older than the column; catalog always knows. */
  instructorId: string | null;
  status: "DRAFT" | "PUBLISHED" | "ARCHIVED";
  price: { amount: number; currency: string };
  /** Seat limit; null means unlimited. */
  capacity: number | null;
  modules: { id: string }[];
}

/** What content decides on about a module: the course it belongs to, that course's instructor and status. */
export interface CatalogModule {
  id: string;
  course: { id: string; instructorId: string; status: CatalogCourse["status"] };
}

/** The part of `fetch` the client uses, so tests can hand in a fake. */
export type FetchLike = (
  url: string,
  init: { method: "POST"; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

export interface CatalogClientOptions {
  /** Catalog's GraphQL URL, read on every call (the embedded runtime learns it once catalog listens). */
  url: () => string;
  /** Signs each request the way the router does; catalog refuses unsigned ones. */
  secret: string;
  timeoutMs?: number;
  fetch?: FetchLike;
  logger: Logger;
}

/**
 * Thrown when catalog cannot answer (the details are logged where it happens).
 * Services may fall back on what they know; otherwise the caller gets
 * SERVICE_UNAVAILABLE, never INTERNAL: nothing was changed and a retry may do.
 */
export class CatalogUnavailableError extends DomainError {
  override name = "CatalogUnavailableError";

  constructor() {
    super(
      "SERVICE_UNAVAILABLE",
      "The course catalog cannot be reached right now; nothing was changed, try again shortly",
    );
  }
}

/**
 * Facts and modules in two lookups of one request: catalog shows a draft's
 * modules only to its instructor, so for a draft the second lookup is
 * refused while the first still says "DRAFT" (and enrollment never needs a
 * draft's modules).
 */
const ENTITIES_QUERY = `query($r: [_Any!]!) {
  facts: _entities(representations: $r) { ... on Course { id instructor { id } status price { amount currency } capacity } }
  modules: _entities(representations: $r) { ... on Course { modules { id } } }
}`;

/** Module is an entity of catalog's (content extends it); its course comes with it. */
const MODULES_QUERY = `query($r: [_Any!]!) {
  found: _entities(representations: $r) { ... on Module { id course { id instructor { id } status } } }
}`;

interface ModulesResponse {
  data?: {
    found?: ({
      id: string;
      course: { id: string; instructor: { id: string }; status: CatalogCourse["status"] };
    } | null)[];
  } | null;
  errors?: { message: string }[];
}

type CourseFacts = Omit<CatalogCourse, "modules" | "instructorId"> & { instructor: { id: string } };

interface EntitiesResponse {
  data?: {
    facts?: (CourseFacts | null)[];
    modules?: ({ modules: { id: string }[] } | null)[] | null;
  } | null;
  errors?: { message: string; path?: (string | number)[] }[];
}

/**
 * Reads course facts live from the catalog subgraph through its federation
 * `_entities` field, as an anonymous caller signed with INTERNAL_AUTH_SECRET.
 * Enrollment also keeps a projection of these facts from catalog's events
 * (course-projection.repository.ts); decisions that grant access or record
 * progress ask here, and only `enroll` falls back to the projection while
 * catalog cannot be reached (see course-facts.ts).
 */
export class CatalogClient {
  private readonly timeoutMs: number;
  private readonly fetch: FetchLike;
  private readonly logger: Logger;

  constructor(private readonly options: CatalogClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.fetch = options.fetch ?? (serviceFetch as unknown as FetchLike);
    this.logger = options.logger;
  }

  /**
   * One course, or null when catalog does not know it; every course a request
   * asks for in the same tick goes out in one call.
   */
  course(loaders: LoaderRegistry, id: string): Promise<CatalogCourse | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return loaders.get<string, CatalogCourse | null>("catalog:course", (ids) => this.courses(ids)).load(id);
  }

  /** Courses in the order of `ids` (null where unknown), in a single HTTP call. */
  async courses(ids: readonly string[]): Promise<(CatalogCourse | null)[]> {
    if (ids.length === 0) return [];
    const payload = await this.entities<EntitiesResponse>(ENTITIES_QUERY, "Course", ids);
    const facts = payload.data?.facts;
    const unexpected = payload.errors?.filter((error) => error.path?.[0] !== "modules") ?? [];
    if (unexpected.length > 0 || !Array.isArray(facts) || facts.length !== ids.length) {
      this.logger.error({ errors: payload.errors, url: this.options.url() }, "catalog answered _entities with errors");
      throw new CatalogUnavailableError();
    }
    return facts.map((course, i) => {
      if (!course) return null;
      const { instructor, ...rest } = course;
      return { ...rest, instructorId: instructor.id, modules: payload.data?.modules?.[i]?.modules ?? [] };
    });
  }

  /** One module with its course's facts, or null when catalog does not know it; batched like `course`. */
  module(loaders: LoaderRegistry, id: string): Promise<CatalogModule | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return loaders.get<string, CatalogModule | null>("catalog:module", (ids) => this.modules(ids)).load(id);
  }

  /** Modules in the order of `ids` (null where unknown), in a single HTTP call. */
  async modules(ids: readonly string[]): Promise<(CatalogModule | null)[]> {
    if (ids.length === 0) return [];
    const payload = await this.entities<ModulesResponse>(MODULES_QUERY, "Module", ids);
    const found = payload.data?.found;
    if ((payload.errors?.length ?? 0) > 0 || !Array.isArray(found) || found.length !== ids.length) {
      this.logger.error({ errors: payload.errors, url: this.options.url() }, "catalog answered _entities with errors");
      throw new CatalogUnavailableError();
    }
    return found.map((module) =>
      module
        ? {
            id: module.id,
            course: { id: module.course.id, instructorId: module.course.instructor.id, status: module.course.status },
          }
        : null,
    );
  }

  /** Posts one `_entities` query for `ids` of `typename`, signed; any failure to get an answer is CatalogUnavailableError. */
  private async entities<T>(query: string, typename: string, ids: readonly string[]): Promise<T> {
    const body = JSON.stringify({ query, variables: { r: ids.map((id) => ({ __typename: typename, id })) } });
    const url = this.options.url();
    const path = new URL(url).pathname;
    try {
      const response = await this.fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          ...signedIdentityHeaders(this.options.secret, { userId: null, roles: [] }, { method: "POST", path, body }),
        },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return (await response.json()) as T;
    } catch (error) {
      this.logger.error(
        { err: error, url, [typename === "Course" ? "courses" : "modules"]: ids.length },
        "catalog request failed",
      );
      throw new CatalogUnavailableError();
    }
  }
}
