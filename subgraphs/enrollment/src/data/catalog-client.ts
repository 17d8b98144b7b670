import type { Logger } from "@campus/logging";
import { isUuid, type LoaderRegistry } from "@campus/subgraph";

/** The course facts enrollment decides on; catalog owns them. */
export interface CatalogCourse {
  id: string;
  status: "DRAFT" | "PUBLISHED" | "ARCHIVED";
  price: { amount: number; currency: string };
  /** Seat limit; null means unlimited. */
  capacity: number | null;
  modules: { id: string }[];
}

/** The part of `fetch` the client uses, so tests can hand in a fake. */
export type FetchLike = (
  url: string,
  init: { method: "POST"; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

export interface CatalogClientOptions {
  url: string;
  timeoutMs?: number;
  fetch?: FetchLike;
  logger: Logger;
}

/** Thrown when catalog cannot answer; not a DomainError, so clients see INTERNAL. */
export class CatalogUnavailableError extends Error {
  override name = "CatalogUnavailableError";
}

/**
 * Facts and modules in two lookups of one request: catalog shows a draft's
 * modules only to its instructor, so for a draft the second lookup is
 * refused while the first still says "DRAFT" (and enrollment never needs a
 * draft's modules).
 */
const ENTITIES_QUERY = `query($r: [_Any!]!) {
  facts: _entities(representations: $r) { ... on Course { id status price { amount currency } capacity } }
  modules: _entities(representations: $r) { ... on Course { modules { id } } }
}`;

interface EntitiesResponse {
  data?: {
    facts?: (Omit<CatalogCourse, "modules"> | null)[];
    modules?: ({ modules: { id: string }[] } | null)[] | null;
  } | null;
  errors?: { message: string; path?: (string | number)[] }[];
}

/**
 * Reads course facts live from the catalog subgraph through its federation
 * `_entities` field. We fetch from the owner on every use for now: the answer
 * is always fresh and there is no local projection to keep in sync. The
 * event-backbone issue will replace this with a local projection fed by
 * catalog events, so enrolling no longer depends on catalog being up.
 */
export class CatalogClient {
  private url: string;
  private readonly timeoutMs: number;
  private readonly fetch: FetchLike;
  private readonly logger: Logger;

  constructor(options: CatalogClientOptions) {
    this.url = options.url;
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.fetch = options.fetch ?? (fetch as unknown as FetchLike);
    this.logger = options.logger;
  }

  /** The embedded runtime learns catalog's port only after catalog started. */
  setUrl(url: string): void {
    this.url = url;
  }

  /**
   * One course, or null when catalog does not know it. With a request's
   * loaders, every course asked for in the same tick goes out in one call.
   */
  course(id: string, loaders?: LoaderRegistry): Promise<CatalogCourse | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    if (!loaders) return this.courses([id]).then(([course]) => course ?? null);
    return loaders.get<string, CatalogCourse | null>("catalog:course", (ids) => this.courses(ids)).load(id);
  }

  /** Courses in the order of `ids` (null where unknown), in a single HTTP call. */
  async courses(ids: readonly string[]): Promise<(CatalogCourse | null)[]> {
    if (ids.length === 0) return [];
    const body = JSON.stringify({
      query: ENTITIES_QUERY,
      variables: { r: ids.map((id) => ({ __typename: "Course", id })) },
    });
    let payload: EntitiesResponse;
    try {
      const response = await this.fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      payload = (await response.json()) as EntitiesResponse;
    } catch (error) {
      this.logger.error({ err: error, url: this.url, courses: ids.length }, "catalog request failed");
      throw new CatalogUnavailableError(`catalog did not answer: ${(error as Error).message}`);
    }
    const facts = payload.data?.facts;
    const unexpected = payload.errors?.filter((error) => error.path?.[0] !== "modules") ?? [];
    if (unexpected.length > 0 || !Array.isArray(facts) || facts.length !== ids.length) {
      this.logger.error({ errors: payload.errors, url: this.url }, "catalog answered _entities with errors");
      throw new CatalogUnavailableError("catalog could not resolve courses");
    }
    return facts.map((course, i) =>
      course ? { ...course, modules: payload.data?.modules?.[i]?.modules ?? [] } : null,
    );
  }
}
