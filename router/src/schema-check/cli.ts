import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "graphql";
import { commandLine } from "@campus/config";
import { checkSchema, manifestOperations, type Finding, type OperationSource } from "./schema-check";

const { values } = commandLine({
  usage: "pnpm schema:check [--against <file>] [--schema <file>] [--operations <dir>] [--manifests <dir>]",
  description:
    "Compares the API of the supergraph with the one on main (graphql-inspector) and fails (exit 1) on a breaking\n" +
    "change that touches an operation clients rely on: the guaranteed operations (schema/operations/*.graphql) and\n" +
    "the published partner manifests given with --manifests; other breaking and dangerous changes are warnings\n" +
    "(docs/api-lifecycle.md). With no main to compare with, it says so and passes.",
  options: {
    against: { type: "string" },
    schema: { type: "string" },
    operations: { type: "string" },
    manifests: { type: "string" },
  },
  help: {
    against: "the schema to compare with (a supergraph or API SDL); default: schema/supergraph.graphql on main",
    schema: "the new schema; default: schema/supergraph.graphql (tests/schema keeps it equal to the code)",
    operations: "guaranteed operations, *.graphql; default: schema/operations",
    manifests: "apollo-persisted-query-manifest *.json files of published partner manifests",
  },
});

const root = path.resolve(__dirname, "../../..");
const shown = (file: string) =>
  path.resolve(file).startsWith(`${root}${path.sep}`) ? path.relative(root, file) : file;
const SUPERGRAPH = "schema/supergraph.graphql";

/** main's supergraph: origin/main when the clone has it (fresher), else the local branch. */
function baseline(): { label: string; sdl: string } | undefined {
  for (const ref of ["origin/main", "main"]) {
    try {
      const sdl = execFileSync("git", ["show", `${ref}:${SUPERGRAPH}`], {
        cwd: root,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
        maxBuffer: 64 * 1024 * 1024,
      });
      return { label: `${SUPERGRAPH} on ${ref}`, sdl };
    } catch {
      // no such ref (or no git): try the next
    }
  }
  return undefined;
}

function refuse(error: unknown): never {
  // a file that is no schema or no operation is the caller's to fix: one line, no stack
  process.stderr.write(`schema:check: ${(error as Error).message}\n`);
  process.exit(2);
}

async function main() {
  const against = values.against ? { label: values.against, sdl: readFileSync(values.against, "utf8") } : baseline();
  if (!against) {
    process.stdout.write(
      `schema:check: no main to compare with (no origin/main or main with ${SUPERGRAPH}); nothing checked\n`,
    );
    process.exit(0);
  }
  const schemaFile = values.schema ?? path.join(root, SUPERGRAPH);
  const operationsDir = values.operations ?? path.join(root, "schema/operations");

  const sources: OperationSource[] = readdirSync(operationsDir)
    .filter((file) => file.endsWith(".graphql"))
    .sort()
    .map((file) => ({
      source: shown(path.join(operationsDir, file)),
      document: parse(readFileSync(path.join(operationsDir, file), "utf8")),
    }));
  if (values.manifests) {
    if (!existsSync(values.manifests)) throw new Error(`--manifests ${values.manifests}: no such directory`);
    for (const file of readdirSync(values.manifests)
      .filter((name) => name.endsWith(".json"))
      .sort()) {
      sources.push(...manifestOperations(file, readFileSync(path.join(values.manifests, file), "utf8")));
    }
  }

  const report = await checkSchema(against.sdl, readFileSync(schemaFile, "utf8"), sources);
  const out: string[] = [`schema:check: ${shown(schemaFile)} against ${against.label}`];
  const list = (title: string, findings: Finding[], withUsers: boolean) => {
    if (findings.length === 0) return;
    out.push(title);
    for (const finding of findings) {
      out.push(`  - ${finding.message}${finding.path ? ` (${finding.path})` : ""}`);
      if (withUsers && finding.usedBy.length) out.push(`      used by ${finding.usedBy.join(", ")}`);
    }
  };
  list("FAIL breaking changes used by guaranteed or published operations:", report.breakingUsed, true);
  if (report.invalidOperations.length) {
    out.push("FAIL operations that no longer validate:");
    for (const invalid of report.invalidOperations) out.push(`  - ${invalid.operation}: ${invalid.errors.join("; ")}`);
  }
  list("WARN breaking changes no guaranteed or published operation uses:", report.breakingUnused, false);
  list("WARN dangerous changes:", report.dangerous, true);
  if (report.undatedDeprecations.length) {
    out.push(`NOTE deprecations without a removal date: ${report.undatedDeprecations.join(", ")}`);
  }
  out.push(
    `schema:check: ${report.passed ? "passed" : "FAILED"} (${report.breakingUsed.length} breaking used, ` +
      `${report.breakingUnused.length} breaking unused, ${report.dangerous.length} dangerous, ${report.safe} safe)`,
  );
  process.stdout.write(`${out.join("\n")}\n`);
  process.exit(report.passed ? 0 : 1);
}

main().catch(refuse);
