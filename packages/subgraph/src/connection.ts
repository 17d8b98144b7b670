import { Directive, Field, ObjectType } from "type-graphql";
import { badInput } from "@campus/errors";

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

export function encodeCursor(key: Keyset): string {
  return Buffer.from(JSON.stringify([key.at.toISOString(), key.id])).toString("base64url");
}

export function decodeCursor(cursor: string | null | undefined): Keyset | undefined {
  if (cursor === undefined || cursor === null) return undefined;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [string, string];
    const date = new Date(at);
    if (typeof id !== "string" || Number.isNaN(date.getTime())) throw new Error("bad cursor");
    return { at: date, id };
  } catch {
    throw badInput("`after` is not a cursor this API issued");
  }
}

export const MAX_PAGE_SIZE = 100;

export function pageSize(first: number | null | undefined, fallback = 20): number {
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
