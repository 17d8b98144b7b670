import { z } from "zod";

export interface ConfigIssue {
  /** The environment variable (or command-line option) at fault. */
  variable: string;
  /** What is expected of it. */
  message: string;
}

/**
 * Thrown at start when the environment does not satisfy a service's schema.
 * Processes print it as one line per variable and exit 1 (see
 * `reportStartFailure`), never as a stack trace.
 */
export class ConfigError extends Error {
  override name = "ConfigError";

  constructor(readonly issues: ConfigIssue[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  ${issue.variable}: ${issue.message}`).join("\n")}`);
  }

  /** One self-contained line per bad setting. */
  lines(): string[] {
    return this.issues.map((issue) => `Invalid configuration: ${issue.variable}: ${issue.message}`);
  }
}

export const configError = (variable: string, message: string) => new ConfigError([{ variable, message }]);

/**
 * An empty value means "not set", as in a `.env` file with `NAME=`: every
 * setting then takes its default, so `.env.example` can be sourced as it is.
 */
function withoutEmptyValues(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1].trim() !== ""),
  );
}

/**
 * Validates the environment once, at start. Every problem is reported with the
 * variable's name so a bad deploy fails loudly instead of half-working.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const result = schema.safeParse(withoutEmptyValues(env));
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      variable: issue.path.map(String).join(".") || "(environment)",
      message: issue.message,
    })),
  );
}

/**
 * How a process that failed to start says why: a configuration problem is one
 * plain line per variable on stderr (no stack, nothing to scroll past); any
 * other failure goes to `otherwise` (the service's logger) with its details.
 * Exits 1 either way.
 */
export function reportStartFailure(service: string, error: unknown, otherwise?: (error: unknown) => void): never {
  if (error instanceof ConfigError) {
    for (const line of error.lines()) process.stderr.write(`${service}: ${line}\n`);
  } else if (otherwise) {
    otherwise(error);
  } else {
    process.stderr.write(`${service} failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
}

/** "true"/"false"/"1"/"0" (any case); anything else is an error, not false. */
export const booleanFlag = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "TRUE", "FALSE", "True", "False"], {
      error: "must be true or false",
    })
    .optional()
    .transform((value) => (value === undefined ? fallback : value.toLowerCase() === "true" || value === "1"));

export const port = (fallback: number) =>
  z.coerce
    .number({ error: "must be a port number (0-65535)" })
    .int("must be a port number (0-65535)")
    .min(0, "must be a port number (0-65535)")
    .max(65535, "must be a port number (0-65535)")
    .default(fallback);

export const positiveInt = (fallback: number) =>
  z.coerce
    .number({ error: "must be a positive whole number" })
    .int("must be a positive whole number")
    .positive("must be a positive whole number")
    .default(fallback);

const optionalUrl = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .pipe(z.string().url("must be a URL, e.g. redis://host:6379 or postgresql://user:pass@host/db").optional())
  .optional();

/** Settings every Campus process understands. */
export const commonEnv = {
  NODE_ENV: z
    .enum(["development", "test", "production"], { error: "must be development, test or production" })
    .default("development"),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      error: "must be fatal, error, warn, info, debug, trace or silent",
    })
    .default("info"),
  /** `json` or `pretty` log lines; unset: pretty on a terminal, JSON otherwise. */
  LOG_FORMAT: z.enum(["json", "pretty"], { error: "must be json or pretty" }).optional(),
  /** Where the embedded runtime keeps its data (PGlite, generated keys, the local store). */
  DATA_DIR: z.string().default(".data"),
  /** Redis for cache, sessions, rate limits and revocation; in-process when unset. */
  REDIS_URL: optionalUrl,
  /**
   * Shared secret the router signs each subgraph request with, and subgraphs verify.
   * Required in production; the embedded runtime generates one per start.
   */
  INTERNAL_AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
};

export const optionalUrlSetting = optionalUrl;

/** Production must not fall back to generated secrets. */
export function requireInProduction<T extends { NODE_ENV: string }>(config: T, keys: (keyof T & string)[]): T {
  if (config.NODE_ENV !== "production") return config;
  const missing = keys.filter((key) => config[key] === undefined || config[key] === "");
  if (missing.length > 0) {
    throw new ConfigError(missing.map((key) => ({ variable: key, message: "required when NODE_ENV=production" })));
  }
  return config;
}

export { commandLine, type CommandLine, type CommandLineSpec } from "./command-line";
export { z };
