import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { knownEvents } from "./event-registry";
import "./index";

/**
 * Published event versions are a contract with every consumer, including
 * ones deployed before a change. This compares the contracts with the snapshot
 * of what was published: an existing version may gain optional fields, never
 * lose or change a field or gain a required one. New versions, and optional
 * fields added to published ones, are recorded with UPDATE_EVENT_SNAPSHOT=1.
 */
type JsonSchema = { type?: unknown; properties?: Record<string, unknown>; required?: string[] } & Record<
  string,
  unknown
>;

const SNAPSHOT = path.join(__dirname, "..", "event-registry.snapshot.json");

function current(): Record<string, JsonSchema> {
  return Object.fromEntries(
    [...knownEvents().values()].map((definition) => [
      definition.type,
      { topic: definition.topic, ...(z.toJSONSchema(definition.data) as JsonSchema) },
    ]),
  );
}

/** Breaking differences of `next` against `published`, as readable lines. */
export function breakingChanges(published: JsonSchema, next: JsonSchema, at = ""): string[] {
  const problems: string[] = [];
  if (published.topic !== next.topic) problems.push(`${at}topic changed`);
  if (JSON.stringify(published.type) !== JSON.stringify(next.type)) problems.push(`${at}type changed`);
  const before = published.properties ?? {};
  const after = next.properties ?? {};
  for (const [field, schema] of Object.entries(before)) {
    if (!(field in after)) problems.push(`${at}${field} removed`);
    else if (JSON.stringify(schema) !== JSON.stringify(after[field])) problems.push(`${at}${field} changed`);
  }
  const wasRequired = new Set(published.required ?? []);
  for (const field of next.required ?? []) if (!wasRequired.has(field)) problems.push(`${at}${field} newly required`);
  for (const field of wasRequired)
    if (!(next.required ?? []).includes(field)) problems.push(`${at}${field} now optional`);
  return problems;
}

describe("event contract compatibility", () => {
  const now = current();
  if (process.env.UPDATE_EVENT_SNAPSHOT === "1") {
    const published = JSON.parse(readFileSync(SNAPSHOT, "utf8")) as Record<string, JsonSchema>;
    // a published version keeps its recorded shape and gains the optional fields added since (so a later
    // removal of one is caught too); new versions are added as they are
    const recorded = Object.fromEntries(
      Object.entries(now).map(([type, schema]) => {
        const was = published[type];
        return [type, was ? { ...was, properties: { ...schema.properties, ...was.properties } } : schema];
      }),
    );
    writeFileSync(SNAPSHOT, `${JSON.stringify({ ...recorded, ...published, ...recorded }, null, 2)}\n`);
  }
  const published = JSON.parse(readFileSync(SNAPSHOT, "utf8")) as Record<string, JsonSchema>;

  it.each(Object.keys(published))("%s is still published and compatible", (type) => {
    expect(now[type]).toBeDefined();
    expect(breakingChanges(published[type]!, now[type]!, `${type}: `)).toEqual([]);
  });

  it("has every event type of the catalog recorded in the snapshot", () => {
    expect(Object.keys(now).filter((type) => !(type in published))).toEqual([]);
  });

  it("spots the changes that break consumers", () => {
    const v1: JsonSchema = { topic: "t", type: "object", properties: { a: { type: "string" } }, required: ["a"] };
    expect(breakingChanges(v1, { ...v1, properties: {}, required: [] })).toEqual(["a removed", "a now optional"]);
    expect(breakingChanges(v1, { ...v1, properties: { a: { type: "number" } } })).toEqual(["a changed"]);
    expect(
      breakingChanges(v1, { ...v1, properties: { ...v1.properties, b: { type: "string" } }, required: ["a", "b"] }),
    ).toEqual(["b newly required"]);
    expect(breakingChanges(v1, { ...v1, properties: { ...v1.properties, b: { type: "string" } } })).toEqual([]);
  });
});
