import { execFile } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { parse } from "graphql";
import { checkSchema, manifestOperations } from "./schema-check";

const MAIN = `
  type Query { courses(first: Int): [Course!]! legacyRanking: [Course!]! }
  type Course { id: ID! title: String! level: Level! rating: Int }
  enum Level { BEGINNER ADVANCED }
`;
const OPERATIONS = `
  query Courses($first: Int) { courses(first: $first) { ...Card } }
  fragment Card on Course { id title level }
`;
const sources = [{ source: "ops.graphql", document: parse(OPERATIONS) }];

describe("schema check", () => {
  it("fails on a removed field that a guaranteed operation uses", async () => {
    const report = await checkSchema(MAIN, MAIN.replace("title: String! ", ""), sources);
    expect(report.passed).toBe(false);
    expect(report.breakingUsed).toEqual([
      expect.objectContaining({ path: "Course.title", usedBy: ["ops.graphql#Courses"] }),
    ]);
    expect(report.invalidOperations).toEqual([
      { operation: "ops.graphql#Courses", errors: ['Cannot query field "title" on type "Course".'] },
    ]);
  });

  it("fails on a required argument added to a field an operation selects", async () => {
    const report = await checkSchema(
      MAIN,
      MAIN.replace("courses(first: Int)", "courses(first: Int, tenant: ID!)"),
      sources,
    );
    expect(report.passed).toBe(false);
    expect(report.breakingUsed.map((finding) => finding.path)).toEqual(["Query.courses.tenant"]);
  });

  it("passes on an added field, and lists what it found", async () => {
    const report = await checkSchema(MAIN, MAIN.replace("rating: Int", "rating: Int slug: String"), sources);
    expect(report).toMatchObject({ passed: true, breakingUsed: [], breakingUnused: [], dangerous: [], safe: 1 });
  });

  it("only warns on a breaking change no operation uses, and on dangerous ones", async () => {
    const after = MAIN.replace(" legacyRanking: [Course!]!", "").replace(
      "BEGINNER ADVANCED",
      "BEGINNER ADVANCED EXPERT",
    );
    const report = await checkSchema(MAIN, after, sources);
    expect(report.passed).toBe(true);
    expect(report.breakingUnused.map((finding) => finding.path)).toEqual(["Query.legacyRanking"]);
    expect(report.dangerous).toEqual([expect.objectContaining({ path: "Level.EXPERT", usedBy: [] })]);
  });

  it("judges published manifests' operations like the guaranteed ones", async () => {
    const manifest = JSON.stringify({
      format: "apollo-persisted-query-manifest",
      version: 1,
      operations: [{ id: "x", name: "Ratings", type: "query", body: "query Ratings { courses { rating } }" }],
    });
    const report = await checkSchema(MAIN, MAIN.replace(" rating: Int", ""), [
      ...sources,
      ...manifestOperations("partner.json", manifest),
    ]);
    expect(report.breakingUsed).toEqual([
      expect.objectContaining({ path: "Course.rating", usedBy: ["manifest partner.json#Ratings"] }),
    ]);
    expect(() => manifestOperations("bad.json", "{")).toThrow("bad.json: not JSON");
    expect(() => manifestOperations("old.json", '{"format":"apollo-persisted-query-manifest","version":2}')).toThrow(
      "not an apollo-persisted-query-manifest version 1",
    );
  });

  it("notes deprecations without a removal date", async () => {
    const after = MAIN.replace("rating: Int", 'rating: Int @deprecated(reason: "Use score") score: Int');
    expect((await checkSchema(MAIN, after, sources)).undatedDeprecations).toEqual(["Course.rating"]);
    const dated = MAIN.replace(
      "rating: Int",
      'rating: Int @deprecated(reason: "Deprecated 2026-12-01, removal 2027-06-01")',
    );
    expect((await checkSchema(MAIN, dated, sources)).undatedDeprecations).toEqual([]);
  });
});

describe("pnpm schema:check", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "schema-check-"));
  const run = async (after: string) => {
    writeFileSync(path.join(dir, "after.graphql"), after);
    const cli = path.join(__dirname, "cli.ts");
    const args = ["-r", "@swc-node/register", cli, "--against", path.join(dir, "main.graphql")];
    args.push("--schema", path.join(dir, "after.graphql"), "--operations", path.join(dir, "operations"));
    try {
      const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: path.join(__dirname, "../..") });
      return { code: 0, stdout };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout + failed.stderr };
    }
  };
  beforeAll(() => {
    writeFileSync(path.join(dir, "main.graphql"), MAIN);
    mkdirSync(path.join(dir, "operations"));
    writeFileSync(path.join(dir, "operations", "ops.graphql"), OPERATIONS);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("exits 1 on a used breaking change, 0 with a warning on an unused one, 2 on a file that is no schema", async () => {
    const failed = await run(MAIN.replace("level: Level! ", ""));
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain("FAIL breaking changes used by guaranteed or published operations:");
    expect(failed.stdout).toMatch(/Course\.level\)\n\s+used by .*ops\.graphql#Courses/);

    const warned = await run(MAIN.replace(" legacyRanking: [Course!]!", ""));
    expect(warned.code).toBe(0);
    expect(warned.stdout).toContain("WARN breaking changes no guaranteed or published operation uses:");
    expect(warned.stdout).toContain("schema:check: passed (0 breaking used, 1 breaking unused");

    const broken = await run("type Query {");
    expect(broken.code).toBe(2);
    expect(broken.stdout).toMatch(/^schema:check: Syntax Error/);
  }, 60_000);
});
