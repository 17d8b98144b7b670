import { readFileSync } from "node:fs";
import path from "node:path";
import { Kind, parse, type OperationDefinitionNode } from "graphql";

/**
 * The operations Campus guarantees to clients and partners live in
 * schema/operations/<area>.graphql (copies of the shared API contract);
 * e2e tests and benchmarks run them from there, exactly as written.
 */
export const OPERATIONS_DIR = path.resolve(__dirname, "../../../schema/operations");

const cache = new Map<string, Map<string, string>>();

function operationsOf(area: string): Map<string, string> {
  let found = cache.get(area);
  if (found) return found;
  const source = readFileSync(path.join(OPERATIONS_DIR, `${area}.graphql`), "utf8");
  found = new Map();
  for (const definition of parse(source).definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION || !definition.name) continue;
    const { start, end } = (definition as OperationDefinitionNode).loc!;
    found.set(definition.name.value, source.slice(start, end));
  }
  cache.set(area, found);
  return found;
}

/** The text of one named operation of schema/operations/<area>.graphql, as written there. */
export function operation(
  area: "mvp" | "commerce" | "learning" | "discovery" | "engagement" | "partners",
  name: string,
): string {
  const text = operationsOf(area).get(name);
  if (!text) throw new Error(`schema/operations/${area}.graphql has no operation named ${name}`);
  return text;
}
