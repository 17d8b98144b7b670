import { GraphQLError, type GraphQLFormattedError } from "graphql";
import type { Logger } from "@campus/logging";

/** The stable codes clients may switch on. */
export type ErrorCode =
  | "BAD_USER_INPUT"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "RATE_LIMITED"
  | "PAYMENT_REQUIRED"
  | "PAYLOAD_TOO_LARGE"
  | "SERVICE_UNAVAILABLE"
  | "PERSISTED_QUERY_NOT_ALLOWED"
  | "PERSISTED_QUERY_NOT_FOUND"
  | "INTERNAL";

/**
 * The HTTP status a refusal answers with when it ends the request before any
 * data is fetched (router plugins, a bad token). Errors raised while fields
 * resolve leave the status to the response as a whole.
 */
const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  SERVICE_UNAVAILABLE: 503,
  PERSISTED_QUERY_NOT_ALLOWED: 400,
  PERSISTED_QUERY_NOT_FOUND: 400,
};

/** A rule of the domain was broken; the message is safe to show the caller. */
export class DomainError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    const status = HTTP_STATUS[code];
    const headers = extensions.httpHeaders instanceof Map ? { headers: extensions.httpHeaders } : {};
    // Apollo Server reads `extensions.http` for the response status and headers (then drops it).
    super(message, { extensions: { ...extensions, code, ...(status ? { http: { status, ...headers } } : {}) } });
    this.code = code;
  }
}

export const badInput = (message: string, extensions?: Record<string, unknown>) =>
  new DomainError("BAD_USER_INPUT", message, extensions);
export const unauthenticated = (message = "Authentication required") => new DomainError("UNAUTHENTICATED", message);
export const forbidden = (message = "Not allowed") => new DomainError("FORBIDDEN", message);
export const notFound = (what: string) => new DomainError("NOT_FOUND", `${what} not found`);
/** `reason` (e.g. ALREADY_OWNED) tells clients which conflict without parsing the message. */
export const conflict = (message: string, extensions?: Record<string, unknown>) =>
  new DomainError("CONFLICT", message, extensions);
export const paymentRequired = (message: string) => new DomainError("PAYMENT_REQUIRED", message);
/** A service this answer depends on cannot be reached; nothing was changed and a retry may succeed. */
export const serviceUnavailable = (message: string) => new DomainError("SERVICE_UNAVAILABLE", message);
export function rateLimited(retryAfterSeconds: number): DomainError {
  return new DomainError("RATE_LIMITED", `Too many requests; retry in ${retryAfterSeconds}s`, {
    retryAfter: retryAfterSeconds,
    httpHeaders: new Map([["retry-after", String(retryAfterSeconds)]]),
  });
}

/** Codes produced by GraphQL itself (parse, validation, variable coercion) are safe to pass on. */
const PASS_THROUGH = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "PERSISTED_QUERY_NOT_ALLOWED",
  "OPERATION_RESOLUTION_FAILURE",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "RATE_LIMITED",
  "PAYMENT_REQUIRED",
  "PAYLOAD_TOO_LARGE",
  "SERVICE_UNAVAILABLE",
]);

export interface ErrorFormatterOptions {
  /** Strip "Did you mean …?" hints: they spell out the schema where introspection is off. */
  hideSuggestions?: boolean;
}

const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/** Apollo's own request errors (a persisted-query hash that does not match, a malformed request) carry a 4xx status but no code. */
function isClientRequestError(error: unknown): boolean {
  const status = (error as GraphQLError | undefined)?.extensions?.http as { status?: number } | undefined;
  return (
    error instanceof GraphQLError && typeof status?.status === "number" && status.status >= 400 && status.status < 500
  );
}

/**
 * Prisma's own "the database is too busy" errors: no connection within the
 * pool timeout (P2024), a transaction that could not start or outlived its
 * timeout (P2028), a transaction the database aborted for a write conflict or
 * a deadlock (P2034). The database rolled back whatever the request began,
 * and a retry may succeed: SERVICE_UNAVAILABLE, not INTERNAL.
 */
const DATABASE_BUSY = new Set(["P2024", "P2028", "P2034"]);

function isDatabaseBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && DATABASE_BUSY.has(code);
}

/**
 * Apollo Server `formatError`: known errors keep their message and code,
 * everything else is logged in full and reaches the client as INTERNAL, so no
 * stack, SQL or driver text ever leaves the process.
 */
export function createErrorFormatter(logger: Logger, options: ErrorFormatterOptions = {}) {
  const format = (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    const given = (formatted.extensions?.code as string | undefined) ?? "INTERNAL";
    // Apollo fills in INTERNAL_SERVER_ERROR for errors without a code, its own 4xx refusals included.
    const unnamed = given === "INTERNAL" || given === "INTERNAL_SERVER_ERROR";
    const code = unnamed && (isClientRequestError(original) || isClientRequestError(error)) ? "BAD_REQUEST" : given;
    const domain = original instanceof DomainError ? original : undefined;
    if (domain || PASS_THROUGH.has(code)) {
      const {
        stacktrace: _stack,
        http: _http,
        httpHeaders: _headers,
        exception: _exception,
        ...extensions
      } = formatted.extensions ?? {};
      return {
        message: formatted.message,
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { ...extensions, code: domain?.code ?? code },
      };
    }
    if (isDatabaseBusy(original)) {
      logger.warn({ err: original, path: formatted.path }, "database too busy for this request");
      return {
        message: "The service is busy; nothing was changed, try again shortly",
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code: "SERVICE_UNAVAILABLE" },
      };
    }
    logger.error({ err: original, path: formatted.path }, "unexpected error");
    return {
      message: "Internal server error",
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: "INTERNAL" },
    };
  };
  if (!options.hideSuggestions) return format;
  return (formatted: GraphQLFormattedError, error: unknown) => {
    const result = format(formatted, error);
    return { ...result, message: result.message.replace(SUGGESTION, "") };
  };
}
