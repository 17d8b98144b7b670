import { Agent, fetch as undiciFetch, type RequestInit, type Response } from "undici";

/**
 * How long Campus servers keep an idle connection open (serveGraphQL), and
 * how long Campus clients reuse one (serviceFetch). The gap is deliberate:
 * a client must give up an idle socket long before the server closes it.
 * Clients otherwise take the server's `Keep-Alive: timeout` hint minus 2 s,
 * checked by a timer with ~1 s resolution; a busy event loop (PGlite runs
 * in-process) eats that margin, the client writes on a socket the server is
 * closing, and the request fails with "fetch failed".
 */
export const SERVER_KEEP_ALIVE_MS = 65_000;
export const CLIENT_KEEP_ALIVE_MS = 10_000;

const agent = new Agent({
  keepAliveTimeout: CLIENT_KEEP_ALIVE_MS,
  keepAliveMaxTimeout: CLIENT_KEEP_ALIVE_MS,
});

export type ServiceFetch = (url: string, init: RequestInit) => Promise<Response>;

/** fetch for calls between Campus services (router → subgraph, subgraph → subgraph). */
export const serviceFetch: ServiceFetch = (url, init) => undiciFetch(url, { ...init, dispatcher: agent });
