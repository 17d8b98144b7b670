/**
 * Docker cannot run in CI, so the production shape (docker-compose.yml,
 * infra/docker, infra/postgres) is checked statically: each Campus service's
 * compose environment, after interpolation with realistic values, must satisfy
 * the service's own config schema and the production requirements its main.ts
 * enforces, and the services must be wired to each other by names that exist.
 *
 * Every check returns a list of problems; the last block mutates the compose
 * file and asserts the checks notice, so they cannot silently pass.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { ConfigError, loadConfig, type z } from "@campus/config";
import { deploymentBlocks, routerConfigSchema, staleDeploymentFiles } from "@campus/router";
import { databaseUrlSetting, loadSupergraph, urlSetting } from "@campus/subgraph";
import { generatePrivateJwk, loadSigningKeys } from "../../subgraphs/identity/src/service/signing-keys";

const root = path.resolve(__dirname, "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

// ---------------------------------------------------------------------------
// Compose model (only what the checks need)

type Env = Record<string, string>;
interface Service {
  image?: string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, unknown> };
  environment?: Record<string, unknown> | string[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  ports?: unknown[];
  volumes?: unknown[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  restart?: string;
}
interface Compose {
  version?: unknown;
  services: Record<string, Service>;
}

function loadCompose(): Compose {
  // Compose supports YAML merge keys (`<<: *anchor`); so must the parser.
  return parse(read("docker-compose.yml"), { merge: true }) as Compose;
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

// ---------------------------------------------------------------------------
// Compose variable interpolation: ${VAR}, ${VAR:-default}, ${VAR-default},
// ${VAR:?message}, ${VAR?message}, ${VAR:+alt}, ${VAR+alt}, $VAR and $$.

interface Interpolated {
  value: string;
  variables: string[];
  required: string[];
}

function interpolate(raw: string, variables: Record<string, string | undefined>): Interpolated {
  const used: string[] = [];
  const required: string[] = [];
  const pattern = /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*)|(\{[^}]*\}?))/g;
  const value = raw.replace(pattern, (...match: (string | undefined)[]) => {
    const [, dollar, braced, operator, argument, bare, malformed] = match;
    if (dollar) return "$";
    if (malformed !== undefined) throw new Error(`malformed interpolation in ${JSON.stringify(raw)}`);
    const name = (braced ?? bare)!;
    used.push(name);
    const current = variables[name];
    const set = current !== undefined;
    const nonEmpty = set && current !== "";
    switch (operator) {
      case undefined:
        return current ?? "";
      case ":-":
        return nonEmpty ? current : argument!;
      case "-":
        return set ? current : argument!;
      case ":?":
      case "?":
        required.push(name);
        if (operator === ":?" ? !nonEmpty : !set) throw new Error(`required variable ${name} is missing: ${argument}`);
        return current!;
      case ":+":
        return nonEmpty ? argument! : "";
      case "+":
        return set ? argument! : "";
      default:
        throw new Error(`unsupported interpolation ${operator}`);
    }
  });
  return { value, variables: used, required };
}

function rawEnvironment(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const index = entry.indexOf("=");
        return index === -1 ? [entry, ""] : [entry.slice(0, index), entry.slice(index + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value === null ? "" : String(value)]));
}

function environment(service: Service, variables: Record<string, string | undefined>): Env {
  return Object.fromEntries(
    Object.entries(rawEnvironment(service)).map(([key, value]) => [key, interpolate(value, variables).value]),
  );
}

function dependencies(service: Service): Record<string, string | undefined> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, undefined]));
  return Object.fromEntries(Object.entries(deps).map(([name, spec]) => [name, spec?.condition]));
}

// ---------------------------------------------------------------------------
// What each Campus service needs

/** The router, and every subgraph of the list (supergraph.ts). */
type AppName = string;
interface AppSpec {
  schema: ObjectSchema;
  /** Settings the process insists on in production (and INTERNAL_AUTH_SECRET), or wiring needs. */
  required: string[];
  /** Settings that must come from the operator through `${VAR:?…}`, never a literal. */
  secrets: string[];
  /** Settings passed on from the operator when set, as `${VAR:-}` (a secret only one mode needs). */
  optional: string[];
  health: string;
  database?: string;
  /** Services whose URL this one is given (`<NAME>_URL`). */
  calls: string[];
}

type ObjectSchema = z.ZodObject<z.ZodRawShape>;

const definitions = loadSupergraph();
const apps: Record<AppName, AppSpec> = {
  ...Object.fromEntries(
    definitions.map((definition) => {
      const database = databaseUrlSetting(definition.name);
      const own = definition.requiredInProduction.filter((setting) => setting !== database && setting !== "REDIS_URL");
      const spec: AppSpec = {
        schema: definition.settingsSchema,
        required: [...definition.requiredInProduction, "INTERNAL_AUTH_SECRET"],
        secrets: ["INTERNAL_AUTH_SECRET", ...own],
        optional: definition.optionalInProduction,
        health: "/health/ready",
        database,
        calls: [...definition.neighbours],
      };
      return [definition.name, spec];
    }),
  ),
  router: {
    schema: routerConfigSchema as unknown as ObjectSchema,
    required: ["INTERNAL_AUTH_SECRET", "REDIS_URL", "JWKS_URL", ...definitions.map((d) => urlSetting(d.name))],
    secrets: ["INTERNAL_AUTH_SECRET"],
    optional: [],
    health: "/health",
    calls: definitions.map((definition) => definition.name),
  },
};
const appNames = Object.keys(apps);

/** What the process requires in production (the kit's standalone entry and the router's main). */
function productionRequirements(name: AppName): string[] {
  return (
    definitions.find((definition) => definition.name === name)?.requiredInProduction ?? [
      "REDIS_URL",
      "INTERNAL_AUTH_SECRET",
    ]
  );
}

function schemaOf(name: AppName): ObjectSchema {
  return apps[name]!.schema;
}

/** The values an operator would export before `docker compose up`. */
async function operatorVariables(): Promise<Record<string, string>> {
  return {
    INTERNAL_AUTH_SECRET: randomBytes(48).toString("base64"),
    JWT_SIGNING_KEYS: JSON.stringify([await generatePrivateJwk()]),
    POSTGRES_PASSWORD: "compose-test-password",
    PAYMENT_PROVIDER: "mock",
    STRIPE_WEBHOOK_SECRET: `whsec_${randomBytes(24).toString("hex")}`,
    // the file store of content and assessment: compose's MinIO (docs/operations.md)
    S3_BUCKET: "campus-files",
    S3_ENDPOINT: "http://minio:9000",
    S3_PUBLIC_ENDPOINT: "http://localhost:9000",
    S3_FORCE_PATH_STYLE: "true",
    S3_ACCESS_KEY_ID: "campus",
    S3_SECRET_ACCESS_KEY: randomBytes(24).toString("hex"),
    // where notification's links and email buttons point (the web app)
    APP_URL: "https://campus.example",
    SMTP_URL: "smtp://mailpit:1025",
  };
}

/** A job that runs once and exits (creating MinIO's bucket): waited for by completion, not health. */
const isOneShot = (service: Service | undefined) => service?.restart === "no";

// ---------------------------------------------------------------------------
// Checks; each returns the problems found (empty when fine)

type Config = Record<string, unknown>;

function configOf(compose: Compose, name: AppName, variables: Record<string, string>): Config {
  const service = compose.services[name];
  if (!service) throw new Error(`service ${name} is missing`);
  return loadConfig(schemaOf(name), environment(service, variables)) as Config;
}

function checkApp(compose: Compose, name: AppName, variables: Record<string, string>): string[] {
  const problems: string[] = [];
  const spec = apps[name]!;
  const service = compose.services[name];
  if (!service) return [`service ${name} is missing`];
  const schema = schemaOf(name);
  const raw = rawEnvironment(service);

  let env: Env;
  try {
    env = environment(service, variables);
  } catch (error) {
    return [`${name}: ${(error as Error).message}`];
  }

  for (const key of Object.keys(raw)) {
    if (!(key in schema.shape)) problems.push(`${name}: ${key} is not a setting of ${name}`);
  }
  let config: Config | undefined;
  try {
    config = loadConfig(schema, env) as Config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(`${name}: ${error.message}`);
  }

  if (env.NODE_ENV !== "production") problems.push(`${name}: NODE_ENV must be production (is ${env.NODE_ENV})`);
  if (env.HOST !== "0.0.0.0") problems.push(`${name}: HOST must be 0.0.0.0 to be reachable from other containers`);
  for (const key of new Set([...spec.required, ...productionRequirements(name)])) {
    if (!env[key]) problems.push(`${name}: ${key} must be set`);
  }
  for (const key of spec.secrets) {
    const value = raw[key];
    if (value === undefined) continue;
    if (!new RegExp(`^\\$\\{${key}:\\?[^}]+\\}$`).test(value)) {
      problems.push(`${name}: ${key} must be exactly \${${key}:?message} (required, never a literal)`);
    }
  }
  for (const key of spec.optional) {
    if (raw[key] !== `\${${key}:-}`)
      problems.push(`${name}: ${key} must be exactly \${${key}:-} (passed on, never a literal)`);
  }

  if (spec.database && env[spec.database]) {
    const url = new URL(env[spec.database]!);
    const database = `campus_${name}`;
    if (url.protocol !== "postgresql:" && url.protocol !== "postgres:")
      problems.push(`${name}: ${spec.database} is not a PostgreSQL URL`);
    if (url.hostname !== "postgres" || !compose.services.postgres)
      problems.push(`${name}: ${spec.database} must point at the postgres service`);
    if (url.pathname !== `/${database}`) problems.push(`${name}: ${spec.database} must name the database ${database}`);
    if (url.password !== variables.POSTGRES_PASSWORD)
      problems.push(`${name}: ${spec.database} must use \${POSTGRES_PASSWORD}`);
  }
  if (env.REDIS_URL) {
    const url = new URL(env.REDIS_URL);
    if (url.protocol !== "redis:" || !compose.services[url.hostname])
      problems.push(`${name}: REDIS_URL must point at a compose service`);
  }

  const port = config ? Number(config.PORT) : undefined;
  const healthcheck = [service.healthcheck?.test ?? []].flat().join(" ");
  if (port !== undefined && !healthcheck.includes(`http://127.0.0.1:${port}${spec.health}'`)) {
    problems.push(`${name}: healthcheck must probe http://127.0.0.1:${port}${spec.health}`);
  }

  if (service.build?.dockerfile !== "infra/docker/Dockerfile")
    problems.push(`${name}: must be built from infra/docker/Dockerfile`);
  if (service.build?.args?.SERVICE !== name) problems.push(`${name}: build arg SERVICE must be ${name}`);

  const deps = dependencies(service);
  for (const [dependency, condition] of Object.entries(deps)) {
    const expected = isOneShot(compose.services[dependency]) ? "service_completed_successfully" : "service_healthy";
    if (condition !== expected) problems.push(`${name}: depends_on ${dependency} must wait for ${expected}`);
  }
  if (spec.database && !("postgres" in deps)) problems.push(`${name}: must depend on postgres`);
  if (!("redis" in deps)) problems.push(`${name}: must depend on redis`);
  return problems;
}

function checkTopology(compose: Compose): string[] {
  const problems: string[] = [];
  if ("version" in compose) problems.push("docker-compose.yml: the compose spec has no `version:` key");
  const names = Object.keys(compose.services ?? {});
  for (const expected of [
    "postgres",
    "redis",
    "kafka",
    "opensearch",
    "minio",
    "minio-bucket",
    "mailpit",
    ...appNames,
  ]) {
    if (!names.includes(expected)) problems.push(`service ${expected} is missing`);
  }
  for (const [name, service] of Object.entries(compose.services ?? {})) {
    const test = service.healthcheck?.test;
    const unchecked = !test || service.healthcheck?.disable || (Array.isArray(test) && test[0] === "NONE");
    if (unchecked && !isOneShot(service)) problems.push(`${name}: has no healthcheck`);
    const ports = (service.ports ?? []).map(String);
    // MinIO's S3 API only (presigned URLs are used by clients directly); never its console
    const allowed = name === "router" ? ports : name === "minio" ? ["9000:9000"] : [];
    if (ports.some((mapping) => !allowed.includes(mapping))) {
      problems.push(`${name}: publishes ${ports.join(", ")}; only the router and MinIO's S3 API (9000) may`);
    }
    for (const dependency of Object.keys(dependencies(service))) {
      if (!names.includes(dependency)) problems.push(`${name}: depends_on names ${dependency}, which is not a service`);
    }
  }
  return problems;
}

function checkWiring(compose: Compose, variables: Record<string, string>): string[] {
  const problems: string[] = [];
  const configs = Object.fromEntries(appNames.map((name) => [name, configOf(compose, name, variables)])) as Record<
    AppName,
    Config
  >;
  const config = (name: AppName) => configs[name]!;
  const pointsAt = (owner: AppName, key: string, target: AppName, pathname: string) => {
    const url = new URL(String(config(owner)[key]));
    if (!compose.services[url.hostname]) {
      problems.push(`${owner}: ${key} points at ${url.hostname}, which is not a compose service`);
    } else if (url.hostname !== target) {
      problems.push(`${owner}: ${key} points at ${url.hostname} instead of ${target}`);
    }
    if (Number(url.port || 80) !== Number(config(target).PORT)) {
      problems.push(`${owner}: ${key} uses port ${url.port}, ${target} listens on ${String(config(target).PORT)}`);
    }
    if (url.pathname !== pathname) problems.push(`${owner}: ${key} must end in ${pathname}`);
  };
  for (const name of appNames) {
    for (const target of apps[name]!.calls) pointsAt(name, urlSetting(target), target, "/graphql");
  }
  pointsAt("router", "JWKS_URL", "identity", "/.well-known/jwks.json");

  for (const key of ["JWT_ISSUER", "JWT_AUDIENCE"]) {
    if (config("router")[key] !== config("identity")[key]) problems.push(`router and identity disagree on ${key}`);
  }
  for (const name of appNames) {
    if (config(name).INTERNAL_AUTH_SECRET !== variables.INTERNAL_AUTH_SECRET) {
      problems.push(`${name}: INTERNAL_AUTH_SECRET must be the shared operator secret`);
    }
  }
  const routerPorts = (compose.services.router?.ports ?? []).map(String);
  if (!routerPorts.some((mapping) => mapping.endsWith(`:${String(config("router").PORT)}`))) {
    problems.push(`router: must publish its port ${String(config("router").PORT)}`);
  }
  const routerDeps = dependencies(compose.services.router ?? {});
  for (const subgraph of definitions.map((definition) => definition.name)) {
    if (routerDeps[subgraph] !== "service_healthy") problems.push(`router: must wait for ${subgraph} to be healthy`);
  }
  return problems;
}

/** Variables used by the app services: what they set, and what they read from the operator. */
function appVariables(compose: Compose): { settings: string[]; interpolated: string[] } {
  const settings = new Set<string>();
  const interpolated = new Set<string>();
  for (const name of appNames) {
    const service = compose.services[name];
    if (!service) continue;
    for (const [key, value] of Object.entries(rawEnvironment(service))) {
      settings.add(key);
      // Collect names only: missing required values are fine here.
      const names = value.match(/\$\{([A-Za-z_][A-Za-z0-9_]*)|\$([A-Za-z_][A-Za-z0-9_]*)/g) ?? [];
      for (const match of names) interpolated.add(match.replace(/^\$\{?/, ""));
    }
  }
  return { settings: [...settings].sort(), interpolated: [...interpolated].sort() };
}

// ---------------------------------------------------------------------------

describe("docker-compose.yml", () => {
  let compose: Compose;
  let variables: Record<string, string>;

  beforeAll(async () => {
    compose = loadCompose();
    variables = await operatorVariables();
  });

  it("has the expected services, every one with a healthcheck; only the router and MinIO's S3 API publish ports", () => {
    expect(checkTopology(compose)).toEqual([]);
  });

  it.each(appNames)("%s: environment satisfies its config schema in production", (name) => {
    expect(checkApp(compose, name, variables)).toEqual([]);
  });

  it("wires the router and enrollment to the right services and ports", () => {
    expect(checkWiring(compose, variables)).toEqual([]);
  });

  it("keeps the files of every subgraph with a file store in MinIO, once its bucket exists", () => {
    const keepers = definitions.filter((definition) => "S3_BUCKET" in definition.settingsSchema.shape);
    expect(keepers.map((definition) => definition.name).sort()).toEqual(["assessment", "commerce", "content"]);
    for (const { name } of keepers) {
      const service = compose.services[name]!;
      expect(environment(service, variables)).toMatchObject({
        S3_BUCKET: variables.S3_BUCKET,
        S3_ENDPOINT: "http://minio:9000",
        S3_PUBLIC_ENDPOINT: "http://localhost:9000",
      });
      expect(dependencies(service)["minio-bucket"]).toBe("service_completed_successfully");
    }
    const minio = environment(compose.services.minio!, variables);
    expect([minio.MINIO_ROOT_USER, minio.MINIO_ROOT_PASSWORD]).toEqual([
      variables.S3_ACCESS_KEY_ID,
      variables.S3_SECRET_ACCESS_KEY,
    ]);
    expect(environment(compose.services["minio-bucket"]!, variables).S3_BUCKET).toBe(variables.S3_BUCKET);
    for (const missing of ["S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"]) {
      expect(() => environment(compose.services.minio!, { ...variables, [missing]: "" })).toThrow(missing);
    }
  });

  it("refuses to start without the operator's secrets", () => {
    for (const missing of ["INTERNAL_AUTH_SECRET", "JWT_SIGNING_KEYS"]) {
      const partial = { ...variables, [missing]: "" };
      expect(() => environment(compose.services.identity!, partial)).toThrow(missing);
    }
    for (const missing of ["PAYMENT_PROVIDER", "STRIPE_WEBHOOK_SECRET"]) {
      const partial = { ...variables, [missing]: "" };
      expect(() => environment(compose.services.commerce!, partial)).toThrow(missing);
    }
  });

  it("each process's production requirements are known (so the compose check can enforce them)", () => {
    expect(productionRequirements("identity")).toEqual(
      expect.arrayContaining(["IDENTITY_DATABASE_URL", "JWT_SIGNING_KEYS"]),
    );
  });

  it("the test's JWT_SIGNING_KEYS is a key set identity accepts", async () => {
    const keys = await loadSigningKeys({ configured: variables.JWT_SIGNING_KEYS });
    expect(keys.active.kid).toBeTruthy();
  });

  it("creates every subgraph database in the postgres init script it mounts", () => {
    const volumes = (compose.services.postgres?.volumes ?? []).map(String);
    const mount = volumes.find((volume) => volume.includes("/docker-entrypoint-initdb.d"));
    expect(mount).toBeDefined();
    const hostPath = mount!.split(":")[0]!;
    expect(existsSync(path.join(root, hostPath))).toBe(true);
    const script = read(hostPath);
    for (const { name } of definitions) expect(script).toContain(`campus_${name}`);
  });

  const envExample = path.join(root, ".env.example");
  it(".env.example lists every variable the app services use", () => {
    const listed = new Set(
      readFileSync(envExample, "utf8")
        .split("\n")
        .map((line) => /^\s*#?\s*(?:export\s+)?([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
        .filter((name): name is string => Boolean(name)),
    );
    const { settings, interpolated } = appVariables(compose);
    expect([...new Set([...settings, ...interpolated])].filter((name) => !listed.has(name))).toEqual([]);
  });

  describe("the checks catch mistakes", () => {
    it("a misspelled setting", () => {
      const broken = clone(compose);
      const env = broken.services.identity!.environment as Record<string, string>;
      env.IDENTIY_DATABASE_URL = env.IDENTITY_DATABASE_URL!;
      delete env.IDENTITY_DATABASE_URL;
      const problems = checkApp(broken, "identity", variables);
      expect(problems).toEqual(
        expect.arrayContaining([
          expect.stringContaining("IDENTIY_DATABASE_URL is not a setting"),
          expect.stringContaining("IDENTITY_DATABASE_URL must be set"),
        ]),
      );
    });

    it("an invalid value", () => {
      const broken = clone(compose);
      (broken.services.catalog!.environment as Record<string, string>).LOG_LEVEL = "loud";
      expect(checkApp(broken, "catalog", variables).join("\n")).toContain("LOG_LEVEL");
    });

    it("a literal secret", () => {
      const broken = clone(compose);
      (broken.services.router!.environment as Record<string, string>).INTERNAL_AUTH_SECRET = "x".repeat(40);
      expect(checkApp(broken, "router", variables).join("\n")).toContain("INTERNAL_AUTH_SECRET must be exactly");
    });

    it("an optional secret dropped or written in", () => {
      const broken = clone(compose);
      (broken.services.commerce!.environment as Record<string, string>).STRIPE_SECRET_KEY = "sk_test_literal";
      expect(checkApp(broken, "commerce", variables).join("\n")).toContain("STRIPE_SECRET_KEY must be exactly");
      delete (broken.services.commerce!.environment as Record<string, string>).STRIPE_SECRET_KEY;
      expect(checkApp(broken, "commerce", variables).join("\n")).toContain("STRIPE_SECRET_KEY must be exactly");
    });

    it("a published subgraph port, a missing healthcheck, an unknown dependency", () => {
      const broken = clone(compose);
      broken.services.catalog!.ports = ["4002:4002"];
      delete broken.services.redis!.healthcheck;
      (broken.services.enrollment!.depends_on as Record<string, unknown>).ghost = { condition: "service_healthy" };
      expect(checkTopology(broken)).toEqual([
        "redis: has no healthcheck",
        "catalog: publishes 4002:4002; only the router and MinIO's S3 API (9000) may",
        "enrollment: depends_on names ghost, which is not a service",
      ]);
    });

    it("a router URL naming a service that does not exist", () => {
      const broken = clone(compose);
      (broken.services.router!.environment as Record<string, string>).IDENTITY_URL = "http://identiy:4001/graphql";
      expect(checkWiring(broken, variables)).toContain(
        "router: IDENTITY_URL points at identiy, which is not a compose service",
      );
    });

    it("a healthcheck on the wrong port, and development mode", () => {
      const broken = clone(compose);
      const env = broken.services.enrollment!.environment as Record<string, string>;
      env.PORT = "4999";
      env.NODE_ENV = "development";
      const problems = checkApp(broken, "enrollment", variables).join("\n");
      expect(problems).toContain("healthcheck must probe http://127.0.0.1:4999/health/ready");
      expect(problems).toContain("NODE_ENV must be production");
    });
  });
});

/** `.dockerignore` patterns as regular expressions (`**`, `*`, `!` exceptions; enough for this file). */
function dockerIgnored(ignoreFile: string): (file: string) => boolean {
  const rules = ignoreFile
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const negate = line.startsWith("!");
      const pattern = (negate ? line.slice(1) : line).replace(/^\/|\/$/g, "");
      const source = pattern
        .split("/")
        .map((part) => (part === "**" ? ".*" : part.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")))
        .join("/");
      return { negate, regex: new RegExp(`^${source.replace(/\.\*\//g, "(.*/)?")}(/.*)?$`) };
    });
  return (file) => {
    let ignored = false;
    for (const rule of rules) if (rule.regex.test(file)) ignored = !rule.negate;
    return ignored;
  };
}

/** Every `COPY` source (not `--from` a stage) must exist and must not be cut from the context by .dockerignore. */
function copyProblems(dockerfile: string, ignoreFile: string): string[] {
  const ignored = dockerIgnored(ignoreFile);
  const problems: string[] = [];
  for (const match of dockerfile.matchAll(/^COPY\s+(.+)$/gm)) {
    const words = match[1]!.split(/\s+/).filter((word) => !word.startsWith("--"));
    if (/--from=/.test(match[1]!)) continue;
    for (const source of words.slice(0, -1)) {
      if (source === ".") continue;
      if (!existsSync(path.join(root, source))) problems.push(`${source}: not in the repository`);
      else if (ignored(source.replace(/\/$/, ""))) problems.push(`${source}: excluded by .dockerignore`);
    }
  }
  return problems;
}

describe("infra/docker", () => {
  const dockerfile = read("infra/docker/Dockerfile");

  it("copies every workspace manifest before installing", () => {
    const workspace = parse(read("pnpm-workspace.yaml")) as { packages: string[] };
    const packageDirs = workspace.packages.flatMap((pattern) => {
      if (!pattern.endsWith("/*")) return [pattern];
      const parent = pattern.slice(0, -2);
      return readdirSync(path.join(root, parent)).map((dir) => `${parent}/${dir}`);
    });
    const manifests = packageDirs.filter((dir) => existsSync(path.join(root, dir, "package.json")));
    expect(manifests.length).toBeGreaterThan(5);
    const install = dockerfile.indexOf("pnpm install --frozen-lockfile");
    expect(install).toBeGreaterThan(0);
    for (const dir of manifests) {
      const copy = dockerfile.indexOf(`COPY ${dir}/package.json ${dir}/`);
      expect({ dir, copiedBeforeInstall: copy > 0 && copy < install }).toEqual({ dir, copiedBeforeInstall: true });
    }
    const schemas = definitions.map((definition) => `subgraphs/${definition.name}/prisma/`);
    for (const file of ["pnpm-lock.yaml", "pnpm-workspace.yaml", "packages/database/bin/", ...schemas]) {
      const copy = dockerfile.indexOf(file);
      expect({ file, copiedBeforeInstall: copy > 0 && copy < install }).toEqual({ file, copiedBeforeInstall: true });
    }
  });

  it("copies only files that exist in the repository and reach the build context", () => {
    const problems = copyProblems(dockerfile, read(".dockerignore"));
    expect(problems).toEqual([]);
    // The check notices a source that is not in the repository (as .npmrc was not) or is ignored.
    expect(copyProblems(`${dockerfile}\nCOPY .npmrc ./\n`, read(".dockerignore"))).toEqual([
      ".npmrc: not in the repository",
    ]);
    expect(copyProblems(dockerfile, `${read(".dockerignore")}\n**/prisma\n`)).toContain(
      "subgraphs/catalog/prisma/: excluded by .dockerignore",
    );
  });

  it("runs on node 20 as the non-root node user, pnpm 10 from npm", () => {
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim AS base$/m);
    const packageManager = (JSON.parse(read("package.json")) as { packageManager: string }).packageManager;
    expect(packageManager).toMatch(/^pnpm@10\./);
    expect(dockerfile).toContain(`npm install -g ${packageManager} `);
    const instructions = dockerfile.replace(/^\s*#.*$/gm, "");
    expect(instructions).not.toMatch(/corepack/i);
    const users = [...dockerfile.matchAll(/^USER (\S+)$/gm)].map((match) => match[1]);
    expect(users.at(-1)).toBe("node");
  });

  it("starts each service the way its package's start script does", () => {
    const start = read("infra/docker/start.sh");
    const [routerExec, subgraphExec] = [...start.matchAll(/^\s*exec (.+)$/gm)].map((match) => match[1]);
    const router = JSON.parse(read("router/package.json")) as { scripts: Record<string, string> };
    expect(router.scripts.start).toBe(routerExec);
    for (const { name } of definitions) {
      const manifest = JSON.parse(read(`subgraphs/${name}/package.json`)) as {
        name: string;
        scripts?: Record<string, string>;
      };
      expect(manifest.name).toBe(`@campus/${name}`);
      expect({ name, start: manifest.scripts?.start }).toEqual({ name, start: subgraphExec });
    }
    // any folder of subgraphs/ is a service; nothing else is
    expect(start).toContain('[ ! -d "/app/subgraphs/${SERVICE}" ]');
  });

  it("is in step with the list: the generated blocks match supergraph.ts", () => {
    expect(staleDeploymentFiles()).toEqual([]);
    // a subgraph added to (or removed from) the list makes every generated file stale
    const fewer = deploymentBlocks(definitions.slice(0, -1));
    expect(staleDeploymentFiles(fewer).sort()).toEqual(
      [".env.example", "docker-compose.yml", "infra/docker/Dockerfile", "infra/postgres/init-databases.sh"].sort(),
    );
  });

  it(".dockerignore keeps host installs, data and generated clients out of the image", () => {
    const ignored = read(".dockerignore")
      .split("\n")
      .map((line) => line.trim());
    for (const entry of ["**/node_modules", "**/.data", ".git", "**/coverage", "**/generated", ".env"]) {
      expect(ignored).toContain(entry);
    }
    // The router reads schema/supergraph.graphql; subgraphs migrate from prisma/.
    for (const needed of ["schema", "prisma", "router", "subgraphs", "packages"]) {
      expect(ignored.filter((line) => line.replace(/^\/|\/$/g, "") === needed)).toEqual([]);
    }
  });
});
