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
  | "INTERNAL";

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
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
export const conflict = (message: string) => new DomainError("CONFLICT", message);
export const paymentRequired = (message: string) => new DomainError("PAYMENT_REQUIRED", message);
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
  "OPERATION_RESOLUTION_FAILURE",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "RATE_LIMITED",
  "PAYMENT_REQUIRED",
  "PAYLOAD_TOO_LARGE",
]);

/**
 * Apollo Server `formatError`: known errors keep their message and code,
 * everything else is logged in full and reaches the client as INTERNAL, so no
 * stack, SQL or driver text ever leaves the process.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    const code = (formatted.extensions?.code as string | undefined) ?? "INTERNAL";
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
    logger.error({ err: original, path: formatted.path }, "unexpected error");
    return {
      message: "Internal server error",
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: "INTERNAL" },
    };
  };
}
