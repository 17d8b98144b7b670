import { randomBytes, randomUUID } from "node:crypto";
import { currentLogContext } from "@campus/logging";
import { z } from "zod";

/**
 * A CloudEvents 1.0 envelope (JSON format) plus the W3C `traceparent`
 * extension, so a consumer's log lines join the trace of the request that
 * caused the event.
 */
export interface CampusEvent<Data = unknown> {
  specversion: "1.0";
  id: string;
  /** The producing subgraph, e.g. `/campus/catalog`. */
  source: string;
  /** `campus.<aggregate>.<what happened>.v<version>` */
  type: string;
  /** The aggregate's id; transports keep one subject's events in order. */
  subject: string;
  time: string;
  datacontenttype: "application/json";
  traceparent?: string;
  data: Data;
}

export const envelopeSchema = z.object({
  specversion: z.literal("1.0"),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().regex(/^campus\.[a-z_]+\.[a-z_]+\.v\d+$/),
  subject: z.string().min(1),
  time: z.string().datetime({ offset: true }),
  datacontenttype: z.literal("application/json"),
  traceparent: z.string().optional(),
  data: z.unknown(),
});

/** A new traceparent in the current request's trace, or a fresh trace outside one. */
function traceparent(): string {
  const traceId = currentLogContext()?.traceId ?? randomBytes(16).toString("hex");
  return `00-${traceId}-${randomBytes(8).toString("hex")}-01`;
}

export function envelope<Data>(type: string, source: string, subject: string, data: Data): CampusEvent<Data> {
  return {
    specversion: "1.0",
    id: randomUUID(),
    source,
    type,
    subject,
    time: new Date().toISOString(),
    datacontenttype: "application/json",
    traceparent: traceparent(),
    data,
  };
}
