import type { CampusEvent } from "./envelope";

export interface OutgoingEvent {
  topic: string;
  event: CampusEvent;
}

/** A delivered event before validation: the consumer decides what to trust. */
export interface Delivery {
  topic: string;
  /** The CloudEvent as received (JSON), or what could be decoded of it. */
  event: unknown;
}

export interface SubscriptionOptions {
  /** Consumer group: each group receives every event once (at least once). */
  group: string;
  topics: string[];
  /**
   * Called in order for each subject (aggregate). The transport commits its
   * offset after this resolves; a rejection means "not handled", and the
   * event is delivered again.
   */
  handle(delivery: Delivery): Promise<void>;
}

export interface Subscription {
  stop(): Promise<void>;
  /** Events published to the group's topics and not yet handled. */
  lag(): Promise<number>;
}

/**
 * Where the outbox relay publishes and consumers subscribe: Kafka in the
 * production shape, an event log table in PostgreSQL/PGlite otherwise. Both
 * keep one subject's events in order, deliver at least once, and remember
 * each group's position across restarts; tests/contract/event-transport runs
 * the same suite on both.
 */
export interface EventTransport {
  readonly kind: "embedded" | "kafka";
  /** Publishes in the given order; resolves when the events are durable. */
  publish(events: OutgoingEvent[]): Promise<void>;
  subscribe(options: SubscriptionOptions): Promise<Subscription>;
  /**
   * Every event the topics still hold, from the oldest retained to the last
   * one published when called, in order per subject, a batch at a time;
   * without joining or moving any group (rebuilds of derived data).
   */
  history(topics: string[]): AsyncIterable<Delivery[]>;
  close(): Promise<void>;
}
