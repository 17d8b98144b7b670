/**
 * docs/configuration.md and .env.example must describe the settings the code
 * really reads. The schemas are found, not listed: the router's, the embedded
 * runtime's and every subgraph's of the list (its defineSubgraph settings), so
 * a new subgraph or a new setting is covered without touching this file.
 *
 * Each check returns the problems it found; the last block feeds the checks
 * broken input so they cannot silently pass.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { ConfigError, loadConfig, type z } from "@campus/config";
import { routerConfigSchema } from "@campus/router";
import { loadSupergraph, settingPrefix } from "@campus/subgraph";
import { SUBGRAPHS } from "../../supergraph";

const root = path.resolve(__dirname, "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

type ObjectSchema = z.ZodObject<z.ZodRawShape>;
interface NamedSchema {
  name: string;
  file: string;
  schema: ObjectSchema;
  /** Settings whose default comes from the subgraph's line in supergraph.ts, which the docs point to. */
  fromList?: string[];
}

function configSchemas(): NamedSchema[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const embedded = require(path.join(root, "infra/embedded/src/config.ts")) as Record<string, unknown>;
  return [
    { name: "routerConfigSchema", file: "router/src/config.ts", schema: routerConfigSchema as unknown as ObjectSchema },
    {
      name: "embeddedConfigSchema",
      file: "infra/embedded/src/config.ts",
      schema: embedded.embeddedConfigSchema as ObjectSchema,
    },
    ...loadSupergraph().map((definition) => ({
      name: `${definition.name} settings`,
      file: `subgraphs/${definition.name}/src/${definition.name}.subgraph.ts`,
      schema: definition.settingsSchema,
      fromList: ["PORT"],
    })),
  ];
}

/** Variables read as process.env.NAME by service code (packages, subgraphs, router, infra). */
function processEnvVariables(): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!["node_modules", "generated", ".turbo", "test"].includes(entry.name)) walk(relative);
      } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
        const source = readFileSync(path.join(root, relative), "utf8");
        for (const match of source.matchAll(
          /process\.env(?:\.([A-Z][A-Z0-9_]*)|\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\])/g,
        )) {
          const name = (match[1] ?? match[2])!;
          if (!found.has(name)) found.set(name, relative);
        }
      }
    }
  };
  for (const dir of ["packages", "subgraphs", "router", "infra"]) walk(dir);
  return found;
}

/** `${VAR…}` interpolations in docker-compose.yml (operator-provided settings such as POSTGRES_PASSWORD). */
function composeVariables(): Set<string> {
  const text = read("docker-compose.yml");
  return new Set([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]!));
}

/**
 * Table rows of the doc whose first cell is a `VARIABLE`, with the whole row
 * text. A row for `<NAME>_SUFFIX` stands for that setting of every subgraph of
 * the list; its `<port>` is read as that subgraph's port, so the stated default
 * is checked per subgraph too.
 */
function documentedRows(markdown: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  const add = (name: string, line: string) => rows.set(name, [...(rows.get(name) ?? []), line]);
  for (const line of markdown.split("\n")) {
    if (!line.trimStart().startsWith("|")) continue;
    const first = line.split("|")[1]?.trim() ?? "";
    const name = /^`([A-Z][A-Z0-9_]*)`$/.exec(first)?.[1];
    if (name) add(name, line);
    const suffix = /^`<NAME>(_[A-Z0-9_]+)`$/.exec(first)?.[1];
    if (suffix) {
      for (const { name: subgraph, port } of SUBGRAPHS) {
        add(`${settingPrefix(subgraph)}${suffix}`, line.replaceAll("<port>", String(port)));
      }
    }
  }
  return rows;
}

/** The same reading as tests/compose: `NAME=` or `# NAME=` lines. */
function envExampleVariables(text: string): Set<string> {
  return new Set(
    text
      .split("\n")
      .map((line) => /^\s*#?\s*(?:export\s+)?([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
      .filter((name): name is string => Boolean(name)),
  );
}

/** The default a schema gives each of its keys when the environment is empty. */
function defaultsOf(schema: ObjectSchema): Record<string, unknown> {
  const parsed = schema.safeParse({});
  if (!parsed.success) throw new Error(`schema does not accept an empty environment: ${parsed.error.message}`);
  return parsed.data as Record<string, unknown>;
}

// ---------------------------------------------------------------------------
// Checks

function missingFromDocs(schemas: NamedSchema[], docs: string): string[] {
  const rows = documentedRows(docs);
  const problems: string[] = [];
  for (const { name, schema } of schemas) {
    for (const key of Object.keys(schema.shape)) {
      if (!rows.has(key)) problems.push(`${key} (${name}) is not in docs/configuration.md`);
    }
  }
  return [...new Set(problems)];
}

function wrongDefaults(schemas: NamedSchema[], docs: string): string[] {
  const rows = documentedRows(docs);
  const problems: string[] = [];
  for (const { name, schema, fromList = [] } of schemas) {
    for (const [key, value] of Object.entries(defaultsOf(schema))) {
      if (value === undefined || !rows.has(key)) continue;
      if (fromList.includes(key)) {
        if (!rows.get(key)!.some((row) => row.includes("supergraph.ts"))) {
          problems.push(`${key}: ${name} takes its default from supergraph.ts, docs/configuration.md does not say so`);
        }
        continue;
      }
      const expected = `\`${String(value)}\``;
      if (!rows.get(key)!.some((row) => row.includes(expected))) {
        problems.push(`${key}: ${name} defaults to ${expected}, docs/configuration.md does not say so`);
      }
    }
  }
  return problems;
}

function missingFromEnvExample(schemas: NamedSchema[], envExample: string): string[] {
  const listed = envExampleVariables(envExample);
  const keys = new Set(schemas.flatMap(({ schema }) => Object.keys(schema.shape)));
  return [...keys].filter((key) => !listed.has(key)).map((key) => `${key} is not in .env.example`);
}

function undocumentedProcessEnv(found: Map<string, string>, docs: string): string[] {
  const rows = documentedRows(docs);
  return [...found]
    .filter(([name]) => !rows.has(name))
    .map(([name, file]) => `${name} (read in ${file}) is not in docs/configuration.md`);
}

function unknownInDocs(docs: string, known: Set<string>): string[] {
  return [...documentedRows(docs).keys()]
    .filter((name) => !known.has(name))
    .map((name) => `docs/configuration.md documents ${name}, which nothing reads`);
}

/** What `set -a; . ./.env.example` puts in the environment, as bash itself reads the file. */
function sourceEnvFile(file: string): Record<string, string> {
  const names = [...readFileSync(file, "utf8").matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]!);
  const script = `set -a; . "$1" >/dev/null; for name in ${names.join(" ")}; do printf '%s=%s\\0' "$name" "\${!name}"; done`;
  const output = execFileSync("bash", ["-c", script, "source-env", file], { encoding: "utf8", env: {} });
  return Object.fromEntries(
    output
      .split("\0")
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]),
  );
}

/** Each schema's complaints about a sourced environment, one line per variable. */
function invalidWhenSourced(schemas: NamedSchema[], env: Record<string, string>): string[] {
  return schemas.flatMap(({ name, schema }) => {
    try {
      loadConfig(schema, env);
      return [];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.lines().map((line) => `${name}: ${line}`);
    }
  });
}

// ---------------------------------------------------------------------------

describe("docs/configuration.md and .env.example", () => {
  const schemas = configSchemas();
  const docs = read("docs/configuration.md");
  const envExample = read(".env.example");
  const fromProcessEnv = processEnvVariables();

  it("found the router's and every subgraph's config schema", () => {
    const names = schemas.map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining(["routerConfigSchema", "identity settings", "catalog settings", "enrollment settings"]),
    );
  });

  it("documents every variable of every config schema", () => {
    expect(missingFromDocs(schemas, docs)).toEqual([]);
  });

  it("states each schema's default", () => {
    expect(wrongDefaults(schemas, docs)).toEqual([]);
  });

  it(".env.example lists every variable of every config schema", () => {
    expect(missingFromEnvExample(schemas, envExample)).toEqual([]);
  });

  it("documents the variables service code reads from process.env directly", () => {
    expect([...fromProcessEnv.keys()]).toEqual(expect.arrayContaining(["LOG_LEVEL", "DATA_DIR"]));
    expect(undocumentedProcessEnv(fromProcessEnv, docs)).toEqual([]);
  });

  it("sourcing .env.example as it is gives every service a valid configuration", () => {
    const sourced = sourceEnvFile(path.join(root, ".env.example"));
    expect(Object.keys(sourced)).toEqual(expect.arrayContaining(["GRAPHQL_INTROSPECTION", "PORT", "ADMIN_EMAIL"]));
    expect(invalidWhenSourced(schemas, sourced)).toEqual([]);
  });

  it("documents nothing that nothing reads", () => {
    const known = new Set([
      ...schemas.flatMap(({ schema }) => Object.keys(schema.shape)),
      ...fromProcessEnv.keys(),
      ...composeVariables(),
    ]);
    expect(unknownInDocs(docs, known)).toEqual([]);
  });

  describe("the checks catch mistakes", () => {
    it("a sourced value no schema accepts", () => {
      const sourced = { ...sourceEnvFile(path.join(root, ".env.example")), MAX_QUERY_DEPTH: "deep" };
      expect(invalidWhenSourced(schemas, sourced)).toEqual([
        "routerConfigSchema: Invalid configuration: MAX_QUERY_DEPTH: must be a positive whole number",
      ]);
    });

    const dropRow = (markdown: string, name: string) =>
      markdown
        .split("\n")
        .filter((line) => !line.trimStart().startsWith(`| \`${name}\``))
        .join("\n");

    it("a schema variable missing from the docs and from .env.example", () => {
      expect(missingFromDocs(schemas, dropRow(docs, "MAX_QUERY_COST"))).toEqual([
        "MAX_QUERY_COST (routerConfigSchema) is not in docs/configuration.md",
      ]);
      const withoutLine = envExample
        .split("\n")
        .filter((line) => !line.startsWith("COURSE_CACHE_TTL_SECONDS="))
        .join("\n");
      expect(missingFromEnvExample(schemas, withoutLine)).toEqual(["COURSE_CACHE_TTL_SECONDS is not in .env.example"]);
    });

    it("a setting of one subgraph of the list, documented once for all of them", () => {
      const template = docs.split("\n").find((line) => line.startsWith("| `<NAME>_URL`"));
      expect(template).toBeDefined();
      expect(missingFromDocs(schemas, dropRow(docs, "<NAME>_URL"))).toEqual(
        expect.arrayContaining([
          "IDENTITY_URL (routerConfigSchema) is not in docs/configuration.md",
          "CATALOG_URL (enrollment settings) is not in docs/configuration.md",
        ]),
      );
      const wrongPort = docs.replace(template!, template!.replace("127.0.0.1:<port>", "127.0.0.1:9999"));
      expect(wrongDefaults(schemas, wrongPort)).toEqual(
        expect.arrayContaining([
          "CATALOG_URL: enrollment settings defaults to `http://127.0.0.1:4002/graphql`, docs/configuration.md does not say so",
        ]),
      );
    });

    it("a port that comes from the list, and docs that do not say so", () => {
      const portRow = docs.split("\n").find((line) => line.startsWith("| `PORT`"))!;
      const changed = docs.replace(portRow, portRow.replace("supergraph.ts", "the code"));
      expect(wrongDefaults(schemas, changed)).toEqual(
        expect.arrayContaining([
          "PORT: catalog settings takes its default from supergraph.ts, docs/configuration.md does not say so",
        ]),
      );
    });

    it("a wrong default", () => {
      const changed = docs.replace(/(\| `CATALOG_TIMEOUT_MS`\s*\|\s*)`3000`/, "$1`5000`");
      expect(changed).not.toBe(docs);
      expect(wrongDefaults(schemas, changed)).toEqual([
        "CATALOG_TIMEOUT_MS: enrollment settings defaults to `3000`, docs/configuration.md does not say so",
        "CATALOG_TIMEOUT_MS: commerce settings defaults to `3000`, docs/configuration.md does not say so",
        "CATALOG_TIMEOUT_MS: content settings defaults to `3000`, docs/configuration.md does not say so",
        "CATALOG_TIMEOUT_MS: assessment settings defaults to `3000`, docs/configuration.md does not say so",
      ]);
    });

    it("a process.env variable nobody documented, and a documented one nothing reads", () => {
      const found = new Map([...fromProcessEnv, ["CAMPUS_SECRET_FLAG", "infra/embedded/src/main.ts"]]);
      expect(undocumentedProcessEnv(found, docs)).toEqual([
        "CAMPUS_SECRET_FLAG (read in infra/embedded/src/main.ts) is not in docs/configuration.md",
      ]);
      const extra = `${docs}\n| \`OLD_SETTING\` | \`1\` | gone |\n`;
      expect(unknownInDocs(extra, new Set(documentedRows(docs).keys()))).toEqual([
        "docs/configuration.md documents OLD_SETTING, which nothing reads",
      ]);
    });
  });
});
