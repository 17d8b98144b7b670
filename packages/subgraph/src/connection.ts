import { Directive, Field, Int, ObjectType, type ClassType } from "type-graphql";
import { badInput } from "@campus/errors";
import { isUuid } from "./ids";

@ObjectType({ description: "Relay page information." })
@Directive("@shareable")
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/**
 * Keyset cursors: a cursor names the last row seen by its sort key
 * (timestamp + id), never an offset, so rows inserted while a client pages
 * neither repeat nor vanish.
 */
export interface Keyset {
  at: Date;
  id: string;
}

/**
 * The Prisma `where` for the rows after `after` in (`field`, id) order:
 * `desc` for newest first, `asc` for oldest first. Prisma's where types take
 * it as it is.
 */
export function keysetAfter<F extends string>(field: F, after: Keyset, order: "asc" | "desc") {
  const beyond = order === "desc" ? { lt: after.at } : { gt: after.at };
  const beyondId = order === "desc" ? { lt: after.id } : { gt: after.id };
  return { OR: [{ [field]: beyond }, { [field]: after.at, id: beyondId }] } as {
    OR: [Record<F, { lt: Date } | { gt: Date }>, Record<F, Date> & { id: { lt: string } | { gt: string } }];
  };
}

export function encodeCursor(key: Keyset): string {
  return Buffer.from(JSON.stringify([key.at.toISOString(), key.id])).toString("base64url");
}

/** Cursors carry row timestamps; anything outside these years was not issued by this API. */
const EARLIEST = Date.UTC(1, 0, 1);
const LATEST = Date.UTC(9999, 11, 31);
/** What `encodeCursor` writes (Date#toISOString). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Reads a cursor this API issued, or refuses it with BAD_USER_INPUT: the id
 * must be a UUID and the time a real row time, so a forged cursor never
 * reaches the database as a bad uuid or an out-of-range date.
 */
export function decodeCursor(cursor: string | null | undefined): Keyset | undefined {
  if (cursor === undefined || cursor === null) return undefined;
  const refuse = () => badInput("`after` is not a cursor this API issued", { field: "after" });
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw refuse();
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) throw refuse();
  const [at, id] = decoded as unknown[];
  if (typeof at !== "string" || typeof id !== "string" || !isUuid(id) || !ISO_TIME.test(at)) throw refuse();
  const date = new Date(at);
  const time = date.getTime();
  if (Number.isNaN(time) || time < EARLIEST || time > LATEST) throw refuse();
  return { at: date, id };
}

export const MAX_PAGE_SIZE = 100;
/** The page size of a connection whose `first` is left out. */
export const DEFAULT_PAGE_SIZE = 20;

export function pageSize(first: number | null | undefined, fallback = DEFAULT_PAGE_SIZE): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw badInput(`\`first\` must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  return size;
}

/** Given rows fetched with `take: size + 1`, builds edges and pageInfo. */
export function toConnection<T>(rows: T[], size: number, keyOf: (row: T) => Keyset) {
  const page = rows.slice(0, size);
  const edges = page.map((node) => ({ node, cursor: encodeCursor(keyOf(node)) }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

/**
 * The Relay types of a paged list of `node`: `<Name>Edge { cursor node }` and
 * `<Name>Connection { edges pageInfo totalCount }`, the same for every
 * subgraph's connections.
 */
export function connectionTypes<Node extends object>(node: ClassType<Node>, name: string) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(() => node)
    node!: Node;
  }

  @ObjectType(`${name}Connection`)
  class Connection {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int)
    totalCount!: number;
  }

  return { Edge, Connection };
}
