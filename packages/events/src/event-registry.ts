import { z } from "zod";
import { envelope, envelopeSchema, type CampusEvent } from "./envelope";

/**
 * What an event looks like, shared by its producer and its consumers: the
 * contracts in ./contracts (one file per producing domain) define every event
 * Campus publishes, so both sides agree on the shape. A version, once
 * published, never changes incompatibly: add a field as optional, or publish
 * `.v2` beside `.v1` (event-registry-compat.test.ts enforces it against
 * event-registry.snapshot.json).
 */
export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  type: string;
  /** One topic per producing domain; the subject (aggregate id) is the partition key. */
  topic: string;
  data: S;
  create(source: string, subject: string, data: z.infer<S>): CampusEvent<z.infer<S>>;
}

/** The topic a domain publishes to: one per producing subgraph; the subject (aggregate id) is the partition key. */
export const topicOf = (subgraph: string) => `campus.${subgraph}.events`;

/** An event type of `subgraph`'s topic; producers build events from it and consumers parse with it. */
export function defineEvent<S extends z.ZodType>(type: string, subgraph: string, data: S): EventDefinition<S> {
  const topic = topicOf(subgraph);
  return {
    type,
    topic,
    data,
    create: (source, subject, payload) => envelope(type, source, subject, data.parse(payload)),
  };
}

/** Formats shared by several contracts. */
export const uuid = z.string().uuid();

const registry = new Map<string, EventDefinition>();

/** Makes event types known to `parseEvent`; each contract file registers its own. */
export function registerEvents(...definitions: EventDefinition[]): void {
  for (const definition of definitions) registry.set(definition.type, definition);
}

/** Every event type the contracts define (read by the compatibility test). */
export function knownEvents(): ReadonlyMap<string, EventDefinition> {
  return registry;
}

/** Thrown for an event no handler can trust; consumers dead-letter it at once. */
export class MalformedEventError extends Error {
  override name = "MalformedEventError";
}

/** Checks the envelope and, for a known type, its data; unknown types pass with their data unchecked. */
export function parseEvent(raw: unknown): CampusEvent {
  const parsed = envelopeSchema.safeParse(raw);
  if (!parsed.success) throw new MalformedEventError(`not a Campus CloudEvent: ${parsed.error.issues[0]?.message}`);
  const event = parsed.data as CampusEvent;
  const definition = registry.get(event.type);
  if (!definition) return event;
  const data = definition.data.safeParse(event.data);
  if (!data.success) {
    const issue = data.error.issues[0];
    throw new MalformedEventError(`${event.type} ${event.id}: ${issue?.path.join(".")} ${issue?.message}`);
  }
  return { ...event, data: data.data };
}
