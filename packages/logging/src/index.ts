import { AsyncLocalStorage } from "node:async_hooks";
import pino, { type DestinationStream, type Logger } from "pino";
import pretty from "pino-pretty";

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

export type LogFormat = "json" | "pretty";

/**
 * LOG_FORMAT=json|pretty; by default pretty when a person watches (stdout is
 * a terminal) and JSON for everything else (containers, CI, log shippers).
 */
export function logFormat(setting = process.env.LOG_FORMAT): LogFormat {
  if (setting === "json" || setting === "pretty") return setting;
  return process.stdout.isTTY ? "pretty" : "json";
}

let prettyStream: DestinationStream | undefined;

/** One synchronous pretty printer per process, shared by every logger (no worker thread). */
function destination(format: LogFormat): DestinationStream | undefined {
  if (format !== "pretty") return undefined;
  prettyStream ??= pretty({
    colorize: Boolean(process.stdout.isTTY),
    sync: true,
    translateTime: "SYS:HH:MM:ss.l",
    ignore: "pid,hostname,service,requestId,traceId",
    messageFormat: "{if service}[{service}] {end}{msg}",
    singleLine: true,
  });
  return prettyStream;
}

/**
 * A service's logger. `service` is the only binding it starts with, so a
 * process that hosts several services (the embedded runtime) gives each its
 * own logger rather than a child of another service's, and no line carries
 * the key twice.
 */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? "info", format = logFormat()): Logger {
  const options = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => ({ ...requestContext.getStore() }),
    redact: {
      paths: [
        "password",
        "*.password",
        "refreshToken",
        "*.refreshToken",
        "authorization",
        "*.authorization",
        // partner keys: the header, and createPartner/rotatePartnerKey's answer
        '["x-api-key"]',
        '*["x-api-key"]',
        "apiKey",
        "*.apiKey",
      ],
      censor: "[redacted]",
    },
  };
  const stream = destination(format);
  return stream ? pino(options, stream) : pino(options);
}

/** W3C traceparent: version-traceid-parentid-flags. Returns the trace id or undefined. */
export function traceIdFromTraceparent(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/.exec(header.trim());
  return match?.[1];
}
