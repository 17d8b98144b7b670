import type { Viewer } from "@campus/auth";
import { loadConfig } from "@campus/config";
import { openDatabase, startEmbeddedPostgres, type Database } from "@campus/database";
import { EmbeddedTransport, EVENT_LOG_SCHEMA, type OutgoingEvent, type SubgraphEvents } from "@campus/events";
import { MemoryStore, type SharedStore } from "@campus/kv";
import { createLogger } from "@campus/logging";
import type { KitSettings, SubgraphDefinition } from "@campus/subgraph";
import { postToSubgraph, type GraphQLResult } from "./graphql-client";

/** The secret a harness shares with its fakes and signs its requests with. */
export const HARNESS_SECRET = "campus-test-harness-secret-0123456789";

export interface SubgraphHarnessOptions {
  /** Settings on top of the harness's (silent logs, HARNESS_SECRET). */
  env?: Record<string, string>;
  /** Where the neighbours this subgraph calls listen (fakes from startFakeSubgraph), by name. */
  neighbours?: Record<string, { url: string }>;
}

export interface SubgraphHarness<Services> {
  url: string;
  /** The subgraph's database (its own schema of an in-memory PGlite). */
  db: Database;
  store: SharedStore;
  services: Services;
  events: SubgraphEvents<unknown>;
  /** Signed like the router's requests, as `viewer` (anonymous when null); never throws on GraphQL errors. */
  gql<T = any>(
    viewer: Pick<Viewer, "userId" | "roles"> | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResult<T>>;
  /** Publishes events as another subgraph's relay would, and waits until this subgraph applied them. */
  publish(events: OutgoingEvent[]): Promise<void>;
  /** Waits until the outbox is published and every consumer caught up. */
  settle(timeoutMs?: number): Promise<void>;
  /** Points a neighbour elsewhere (an unreachable one, say) and back. */
  setNeighbour(name: string, url: string): void;
  stop(): Promise<void>;
}

/**
 * One subgraph, the way the embedded runtime runs it, for that subgraph's own
 * tests: its migrations on an in-memory PGlite, the in-process store, the
 * embedded event log, its HTTP server on a free port, and fakes of the
 * neighbours it calls. Every subgraph's tests start here.
 */
export async function startSubgraph<Services>(
  definition: SubgraphDefinition<Services>,
  options: SubgraphHarnessOptions = {},
): Promise<SubgraphHarness<Services>> {
  const pglite = await startEmbeddedPostgres();
  const db = openDatabase({ schema: definition.name, pglite });
  const env = { LOG_LEVEL: "silent", EVENTS_POLL_MS: "50", ...options.env, INTERNAL_AUTH_SECRET: HARNESS_SECRET };
  const config = loadConfig(definition.settingsSchema, env) as KitSettings & Record<string, unknown>;
  const logger = createLogger(definition.name, config.LOG_LEVEL);
  const transport = await EmbeddedTransport.open({
    db: openDatabase({ schema: EVENT_LOG_SCHEMA, pglite }),
    logger,
    pollMs: config.EVENTS_POLL_MS,
  });
  const store = new MemoryStore();
  const neighbours = Object.fromEntries(
    Object.entries(options.neighbours ?? {}).map(([name, fake]) => [name, fake.url]),
  );
  const running = await definition.start(
    config,
    { db, store, transport, logger, secret: HARNESS_SECRET, neighbourUrls: () => neighbours },
    0,
  );
  const url = `${running.url}/graphql`;

  const settle = async (timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { unpublished, lag } = await running.events.pending();
      if (unpublished === 0 && lag === 0) return;
      if (Date.now() > deadline) throw new Error(`events did not settle (${unpublished} unpublished, lag ${lag})`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  return {
    url,
    db,
    store,
    services: running.services,
    events: running.events,
    gql: (viewer, query, variables = {}) => postToSubgraph(url, HARNESS_SECRET, viewer, query, variables),
    async publish(events) {
      await transport.publish(events);
      await settle();
    },
    settle,
    setNeighbour(name, neighbourUrl) {
      neighbours[name] = neighbourUrl;
    },
    async stop() {
      await running.stop();
      await transport.close();
      await store.close();
      await pglite.close();
    },
  };
}
