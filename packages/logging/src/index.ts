import { AsyncLocalStorage } from "node:async_hooks";
import pino, { type Logger } from "pino";

export type { Logger };

/** What every log line written while serving one request carries. */
export interface LogContext {
  requestId: string;
  traceId?: string;
}

const requestContext = new AsyncLocalStorage<LogContext>();

/** Runs `work` so that every log line inside it names the request and trace. */
export function withLogContext<T>(context: LogContext, work: () => T): T {
  return requestContext.run(context, work);
}

export function currentLogContext(): LogContext | undefined {
  return requestContext.getStore();
}

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => ({ ...requestContext.getStore() }),
    redact: {
      paths: ["password", "*.password", "refreshToken", "*.refreshToken", "authorization", "*.authorization"],
      censor: "[redacted]",
    },
  });
}

/** W3C traceparent: version-traceid-parentid-flags. Returns the trace id or undefined. */
export function traceIdFromTraceparent(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/.exec(header.trim());
  return match?.[1];
}
