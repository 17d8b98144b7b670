import { createHash } from "node:crypto";
import type { PersistedOperation } from "./partner-directory";

export interface ManifestLimits {
  maxBytes: number;
  maxOperations: number;
}

export type ManifestReading = { operations: PersistedOperation[]; problems: string[] };

const FORMAT = "apollo-persisted-query-manifest";
const TYPES = new Set(["query", "mutation", "subscription"]);

/** Apollo's operation id: the hex sha256 of the body, as `@apollo/generate-persisted-query-manifest` writes it. */
export const operationId = (body: string) => createHash("sha256").update(body).digest("hex");

/**
 * Reads Apollo's persisted query manifest
 * (`{"format":"apollo-persisted-query-manifest","version":1,"operations":[{id,name,type,body}]}`)
 * and lists every problem with its shape, not only the first: the upload is
 * refused whole, and the partner should be able to fix it in one go. Whether
 * the operations fit the graph is the router's check (it has the supergraph).
 */
export function readManifest(text: string, limits: ManifestLimits): ManifestReading {
  const size = Buffer.byteLength(text, "utf8");
  if (size > limits.maxBytes) {
    return { operations: [], problems: [`the manifest is ${size} bytes; the limit is ${limits.maxBytes}`] };
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    return { operations: [], problems: ["the manifest is not JSON"] };
  }
  const { format, version, operations } = (manifest ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (format !== FORMAT) problems.push(`format must be "${FORMAT}"`);
  if (version !== 1) problems.push("version must be 1");
  if (!Array.isArray(operations)) return { operations: [], problems: [...problems, "operations must be a list"] };
  if (operations.length > limits.maxOperations) {
    problems.push(`the manifest has ${operations.length} operations; the limit is ${limits.maxOperations}`);
  }
  const read: PersistedOperation[] = [];
  const names = new Set<string>();
  const ids = new Set<string>();
  operations.forEach((entry: unknown, index) => {
    const { id, name, type, body } = (entry ?? {}) as Record<string, unknown>;
    const where = typeof name === "string" && name ? `operation ${name}` : `operation #${index + 1}`;
    if (typeof name !== "string" || !name) problems.push(`${where}: name must be a non-empty string`);
    if (typeof type !== "string" || !TYPES.has(type))
      problems.push(`${where}: type must be query, mutation or subscription`);
    if (typeof body !== "string" || !body) return void problems.push(`${where}: body must be a non-empty string`);
    if (typeof id !== "string" || id !== operationId(body)) {
      return void problems.push(`${where}: id must be the sha256 of its body (${operationId(body)})`);
    }
    if (typeof name === "string" && names.has(name)) problems.push(`${where}: the name is used twice`);
    if (ids.has(id)) problems.push(`${where}: the same body is listed twice`);
    if (typeof name === "string") names.add(name);
    ids.add(id);
    read.push({ id, name: name as string, type: type as PersistedOperation["type"], body });
  });
  return { operations: problems.length === 0 ? read : [], problems };
}
