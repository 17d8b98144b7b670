import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  fromGraphQLCodegenPersistedDocuments,
  generatePersistedQueryManifest,
} from "@apollo/generate-persisted-query-manifest";
import { Kind, parse } from "graphql";
import { commandLine } from "@campus/config";

const ROOT = path.resolve(__dirname, "../..");
/** Where the router's SAFELIST_ONLY mode reads it (router/src/router.ts). */
export const FIRST_PARTY_MANIFEST = path.join(ROOT, "schema/persisted-query-manifest.json");

const OPERATIONS_DIR = path.join(ROOT, "schema/operations");

/**
 * The first-party safelist: every operation of schema/operations, as Apollo's
 * own tool writes a manifest for an Apollo Client project (documents
 * transformed as Apollo Client sends them: `__typename` added, printed). The
 * tool wants one operation per document and the contract files hold several,
 * so each operation is handed to it on its own, through its documented
 * source for pre-split documents.
 */
export async function firstPartyManifest(): Promise<string> {
  const documents: Record<string, string> = {};
  for (const file of readdirSync(OPERATIONS_DIR)
    .filter((name) => name.endsWith(".graphql"))
    .sort()) {
    const source = readFileSync(path.join(OPERATIONS_DIR, file), "utf8");
    for (const definition of parse(source).definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION || !definition.loc) continue;
      documents[`${file}#${definition.name?.value}`] = source.slice(definition.loc.start, definition.loc.end);
    }
  }
  const scratch = mkdtempSync(path.join(os.tmpdir(), "campus-manifest-"));
  try {
    const split = path.join(scratch, "documents.json");
    writeFileSync(split, JSON.stringify(documents));
    const manifest = await generatePersistedQueryManifest(
      { documents: fromGraphQLCodegenPersistedDocuments(split) },
      undefined,
    );
    return `${JSON.stringify(manifest, null, 2)}\n`;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** `pnpm safelist:manifest` */
if (require.main === module) {
  commandLine({
    usage: "pnpm safelist:manifest",
    description:
      "Writes schema/persisted-query-manifest.json, the first-party safelist SAFELIST_ONLY enforces, from every\n" +
      "operation of schema/operations/ (Apollo's manifest format, as its tool writes it).",
    options: {},
    help: {},
  });
  void firstPartyManifest().then((text) => {
    const before = (() => {
      try {
        return readFileSync(FIRST_PARTY_MANIFEST, "utf8");
      } catch {
        return "";
      }
    })();
    writeFileSync(FIRST_PARTY_MANIFEST, text);
    process.stdout.write(`${path.relative(ROOT, FIRST_PARTY_MANIFEST)} ${before === text ? "unchanged" : "written"}\n`);
  });
}
