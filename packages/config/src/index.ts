import { z } from "zod";

/** Thrown at start when the environment does not satisfy a service's schema. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Validates the environment once, at start. Every problem is reported with the
 * variable's name so a bad deploy fails loudly instead of half-working.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
}

/** "true"/"false"/"1"/"0" (any case); anything else is an error, not false. */
export const booleanFlag = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "TRUE", "FALSE", "True", "False"])
    .optional()
    .transform((value) => (value === undefined ? fallback : value.toLowerCase() === "true" || value === "1"));

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const optionalUrl = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .pipe(z.string().url().optional())
  .optional();

/** Settings every Campus process understands. */
export const commonEnv = {
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Where the embedded runtime keeps its data (PGlite, generated keys). */
  DATA_DIR: z.string().default(".data"),
  /** Redis for cache, sessions, rate limits and revocation; in-process when unset. */
  REDIS_URL: optionalUrl,
  /**
   * Shared secret the router signs caller identity with, and subgraphs verify.
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
    throw new ConfigError(
      `Invalid configuration:\n${missing.map((key) => `  ${key}: required when NODE_ENV=production`).join("\n")}`,
    );
  }
  return config;
}

export { z };
