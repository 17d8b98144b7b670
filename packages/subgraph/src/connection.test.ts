import "reflect-metadata";
import { decodeCursor, encodeCursor, keysetAfter } from "./connection";

describe("keyset cursors", () => {
  const key = { at: new Date("2026-12-01T10:00:00.000Z"), id: "6f1c2a52-3c1e-4d7e-9a59-2c4f1b0d9e11" };

  it("round-trips a cursor and refuses one this API did not issue", () => {
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
    expect(() => decodeCursor("bm90IGEgY3Vyc29y")).toThrow("not a cursor");
  });

  it("pages past the last row seen, ties on the timestamp broken by id, in either order", () => {
    expect(keysetAfter("createdAt", key, "desc")).toEqual({
      OR: [{ createdAt: { lt: key.at } }, { createdAt: key.at, id: { lt: key.id } }],
    });
    expect(keysetAfter("enrolledAt", key, "asc")).toEqual({
      OR: [{ enrolledAt: { gt: key.at } }, { enrolledAt: key.at, id: { gt: key.id } }],
    });
  });
});
