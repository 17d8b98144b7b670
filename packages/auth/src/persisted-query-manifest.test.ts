import { operationId, readManifest } from "./persisted-query-manifest";

const LIMITS = { maxBytes: 10_000, maxOperations: 3 };
const entry = (name: string, body: string, type = "query") => ({ id: operationId(body), name, type, body });
const manifest = (operations: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ format: "apollo-persisted-query-manifest", version: 1, operations, ...extra });

describe("readManifest", () => {
  it("reads Apollo's manifest format", () => {
    const a = entry("A", "query A { categories { id } }");
    expect(readManifest(manifest([a]), LIMITS)).toEqual({ operations: [a], problems: [] });
  });

  it("lists every problem of the shape at once, and reads no operation then", () => {
    const body = "query A { x }";
    const reading = readManifest(
      manifest(
        [
          { id: operationId("other"), name: "A", type: "query", body },
          entry("B", "query B { y }"),
          entry("B", "query B { z }"),
          entry("C", "query B { y }", "fetch"),
        ],
        { format: "nope", version: 2 },
      ),
      LIMITS,
    );
    expect(reading.operations).toEqual([]);
    expect(reading.problems).toEqual([
      'format must be "apollo-persisted-query-manifest"',
      "version must be 1",
      "the manifest has 4 operations; the limit is 3",
      `operation A: id must be the sha256 of its body (${operationId(body)})`,
      "operation B: the name is used twice",
      "operation C: type must be query, mutation or subscription",
      "operation C: the same body is listed twice",
    ]);
  });

  it("refuses text that is not JSON, not a list, or too large", () => {
    expect(readManifest("{", LIMITS).problems).toEqual(["the manifest is not JSON"]);
    expect(readManifest(manifest({}), LIMITS).problems).toEqual(["operations must be a list"]);
    expect(readManifest("x".repeat(10_001), LIMITS).problems).toEqual([
      "the manifest is 10001 bytes; the limit is 10000",
    ]);
  });
});
