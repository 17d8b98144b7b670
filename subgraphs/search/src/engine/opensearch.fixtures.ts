/**
 * Recorded OpenSearch exchanges for the OpenSearch engine's tests, which run
 * without a node: a recording proxy (opensearch.record-fixtures.ts puts it
 * between the engine and a real node) and a replay server that answers with
 * the recorded responses and keeps what the engine sent.
 *
 * Index names made by a rebuild carry a timestamp (17 digits). The replay
 * server learns which recorded timestamp the engine's own stands for from the
 * request that introduces it, answers with the engine's, and reports the
 * requests with the recorded ones, so they compare equal.
 */
import { readFileSync, writeFileSync } from "node:fs";
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

/** A request or response body: JSON, one JSON value per line for `_bulk` (NDJSON), or none. */
export type Body = unknown;

export interface Exchange {
  request: { method: string; path: string; body: Body };
  response: { status: number; body: Body };
}

export interface Fixture {
  recorded: string;
  exchanges: Exchange[];
}

const FIXTURES = path.join(__dirname, "fixtures");
export const fixturePath = (name: string) => path.join(FIXTURES, `opensearch.${name}.json`);

export const readFixture = (name: string): Fixture => JSON.parse(readFileSync(fixturePath(name), "utf8")) as Fixture;

/** Written as `pnpm lint` wants it (prettier), so a re-recording only shows what changed. */
export async function writeFixture(name: string, fixture: Fixture): Promise<void> {
  const prettier = await import("prettier");
  const file = fixturePath(name);
  const options = await prettier.resolveConfig(file);
  writeFileSync(file, await prettier.format(JSON.stringify(fixture), { ...options, filepath: file }));
}

function parseBody(raw: string): Body {
  if (raw.trim() === "") return null;
  try {
    return JSON.parse(raw);
  } catch {
    // NDJSON: the `_bulk` body
    return raw
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as unknown);
  }
}

async function readRaw(stream: IncomingMessage): Promise<string> {
  let raw = "";
  for await (const chunk of stream) raw += chunk;
  return raw;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

/** Forwards everything to a real node and keeps each exchange. */
export class RecordingProxy {
  private exchanges: Exchange[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(target: string): Promise<RecordingProxy> {
    const server = createServer();
    const proxy = new RecordingProxy(server, `http://127.0.0.1:${await listen(server)}`);
    server.on("request", (req, res) => void proxy.forward(new URL(target), req, res));
    return proxy;
  }

  /** The exchanges since the last take. */
  take(): Exchange[] {
    const taken = this.exchanges;
    this.exchanges = [];
    return taken;
  }

  stop(): Promise<void> {
    return stop(this.server);
  }

  private async forward(target: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readRaw(req);
    const headers = { ...req.headers, host: target.host };
    delete headers["accept-encoding"]; // the fixtures keep plain JSON
    const upstream = httpRequest({
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers,
    });
    upstream.end(raw);
    upstream.on("response", async (answer) => {
      const body = await readRaw(answer);
      this.exchanges.push({
        request: { method: req.method ?? "", path: req.url ?? "", body: parseBody(raw) },
        response: { status: answer.statusCode ?? 0, body: parseBody(body) },
      });
      res.writeHead(answer.statusCode ?? 502, { "content-type": answer.headers["content-type"] ?? "application/json" });
      res.end(body);
    });
    upstream.on("error", () => res.destroy());
  }
}

const TIMESTAMP = /\b\d{17}\b/g;

/** Answers with recorded exchanges in order and keeps the requests, in the recording's terms. */
export class ReplayServer {
  /** What the engine sent, its timestamps replaced with the recorded ones. */
  readonly requests: Exchange["request"][] = [];
  private readonly script: Exchange[] = [];
  /** The engine's timestamp → the recorded one. */
  private readonly timestamps = new Map<string, string>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<ReplayServer> {
    const server = createServer();
    const replay = new ReplayServer(server, `http://127.0.0.1:${await listen(server)}`);
    server.on("request", (req, res) => void replay.answer(req, res));
    return replay;
  }

  /** Queues the next answers. */
  play(exchanges: Exchange[]): void {
    this.script.push(...exchanges);
  }

  reset(): void {
    this.requests.length = 0;
    this.script.length = 0;
    this.timestamps.clear();
  }

  stop(): Promise<void> {
    return stop(this.server);
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const sent = { method: req.method ?? "", path: req.url ?? "", body: parseBody(await readRaw(req)) };
    const next = this.script.shift();
    if (next) {
      // a timestamp first seen in the path (the index a rebuild creates) pairs with the recorded one in the same place
      const recorded = next.request.path.match(TIMESTAMP) ?? [];
      (sent.path.match(TIMESTAMP) ?? []).forEach((own, i) => {
        if (recorded[i] && !this.timestamps.has(own)) this.timestamps.set(own, recorded[i]);
      });
    }
    this.requests.push(this.translate(sent, this.timestamps));
    if (!next) {
      res.writeHead(599, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ error: { type: "unexpected_request", reason: `${sent.method} ${sent.path}` }, status: 599 }),
      );
      return;
    }
    const toOwn = new Map([...this.timestamps].map(([own, recorded]) => [recorded, own]));
    const { status, body } = this.translate(next.response, toOwn);
    res.writeHead(status, { "content-type": "application/json" });
    res.end(body === null || req.method === "HEAD" ? undefined : JSON.stringify(body));
  }

  private translate<T>(value: T, map: Map<string, string>): T {
    return JSON.parse(JSON.stringify(value).replace(TIMESTAMP, (digits) => map.get(digits) ?? digits)) as T;
  }
}
