import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { lstat, mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  assertValidDownload,
  assertValidKey,
  assertValidPrefix,
  assertValidUpload,
  attachmentDisposition,
  isValidKey,
  type DownloadRequest,
  type FileStore,
  type SignedDownload,
  type SignedUpload,
  type StoredFile,
  type UploadRequest,
} from "./file-store";
import { grantQuery, verifyGrant } from "./signed-url";

export interface DiskFileStoreOptions {
  /** The directory the files live under (DATA_DIR/files in the embedded runtime). */
  root: string;
  /** Signs and checks the URLs; at least 32 characters. */
  secret: string;
  /** Where clients reach the server that mounts `handler`: known only once it listens, hence a function. */
  baseUrl: () => string;
  /** Where `handler` is mounted; ends with "/". */
  pathPrefix?: string;
  /** For tests that move time. */
  now?: () => Date;
}

/** Handles a request under the store's path prefix (a StreamRoute of @campus/http). */
export type FileRequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Uploads in progress: one folder on the same file system as the files, so that a finished one is renamed into place. */
const PARTIAL_DIR = ".partial";
const FALLBACK_TYPE = "application/octet-stream";

class TooLarge extends Error {}
class ClientGone extends Error {}
class KeyCollision extends Error {}

function reply(res: ServerResponse, status: number, error: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify({ error }));
}

const isMissing = (error: unknown) => ["ENOENT", "ENOTDIR"].includes((error as NodeJS.ErrnoException).code ?? "");

/**
 * The embedded default: files in a directory, uploaded and downloaded through
 * the subgraph's own HTTP server (`handler`, mounted at `pathPrefix`) at URLs
 * signed with HMAC-SHA256. An upload is written to `.partial/` and renamed into
 * place only once complete and within its size, so a crash mid-upload leaves
 * nothing visible; the content type is kept beside the file in a dot-file
 * (keys never have one, see assertValidKey).
 */
export class DiskFileStore implements FileStore {
  readonly pathPrefix: string;
  private readonly root: string;
  private readonly now: () => Date;

  constructor(private readonly options: DiskFileStoreOptions) {
    if (options.secret.length < 32) throw new Error("the disk file store's secret must be at least 32 characters");
    this.root = path.resolve(options.root);
    this.pathPrefix = options.pathPrefix ?? "/files/";
    if (!this.pathPrefix.startsWith("/") || !this.pathPrefix.endsWith("/")) {
      throw new Error(`pathPrefix must start and end with "/" (got ${this.pathPrefix})`);
    }
    this.now = options.now ?? (() => new Date());
  }

  /** For the subgraph's `streams` (Wiring): `{ "/files/": handler }`. */
  streams(): Record<string, FileRequestHandler> {
    return { [this.pathPrefix]: this.handler };
  }

  async uploadUrl(request: UploadRequest): Promise<SignedUpload> {
    assertValidUpload(request);
    const expires = this.expiry(request.expiresInSeconds);
    const urlPath = this.pathPrefix + request.key;
    const query = grantQuery(this.options.secret, {
      method: "PUT",
      path: urlPath,
      expires,
      contentType: request.contentType,
      maxBytes: request.sizeBytes,
    });
    return {
      url: `${this.base()}${urlPath}?${query}`,
      method: "PUT",
      headers: [{ name: "content-type", value: request.contentType }],
      expiresAt: new Date(expires * 1000),
    };
  }

  async downloadUrl(request: DownloadRequest): Promise<SignedDownload> {
    assertValidDownload(request);
    const expires = this.expiry(request.expiresInSeconds);
    const urlPath = this.pathPrefix + request.key;
    const query = grantQuery(this.options.secret, {
      method: "GET",
      path: urlPath,
      expires,
      fileName: request.fileName,
    });
    return { url: `${this.base()}${urlPath}?${query}`, expiresAt: new Date(expires * 1000) };
  }

  async stat(key: string): Promise<StoredFile | null> {
    assertValidKey(key);
    try {
      const info = await stat(this.dataPath(key));
      if (!info.isFile()) return null;
      return { sizeBytes: info.size, contentType: await this.contentType(key) };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    const file = this.dataPath(key);
    // a directory here holds other keys: it is not this key's file
    if (!(await lstat(file).catch(() => undefined))?.isFile()) return;
    await rm(file, { force: true });
    await rm(this.metaPath(key), { force: true });
  }

  async listOlderThan(prefix: string, before: Date): Promise<string[]> {
    assertValidPrefix(prefix);
    // start at the deepest folder the prefix names whole; match the rest by name
    const folder = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
    const found: string[] = [];
    const walk = async (relative: string) => {
      let entries;
      try {
        entries = await readdir(path.join(this.root, relative), { withFileTypes: true });
      } catch (error) {
        if (isMissing(error)) return;
        throw error;
      }
      for (const entry of entries) {
        if (entry.name.startsWith(".")) continue;
        const key = relative ? `${relative}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (key.startsWith(prefix) || prefix.startsWith(`${key}/`)) await walk(key);
        } else if (entry.isFile() && key.startsWith(prefix)) {
          const info = await lstat(path.join(this.root, key)).catch(() => undefined);
          if (info && info.mtime.getTime() < before.getTime()) found.push(key);
        }
      }
    };
    await walk(folder);
    return found.sort();
  }

  async close(): Promise<void> {}

  /** Uploads a crash cut short (the handler removes those of failed requests itself). */
  async removeAbandonedUploads(olderThan: Date): Promise<void> {
    const dir = path.join(this.root, PARTIAL_DIR);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      const info = await lstat(path.join(dir, name)).catch(() => undefined);
      if (info && info.mtime.getTime() < olderThan.getTime()) await rm(path.join(dir, name), { force: true });
    }
  }

  readonly handler: FileRequestHandler = async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const key = url.pathname.slice(this.pathPrefix.length);
    if (!url.pathname.startsWith(this.pathPrefix) || !isValidKey(key)) return reply(res, 404, "not found");
    if (req.method !== "PUT" && req.method !== "GET") {
      return reply(res, 405, "method not allowed", { allow: "GET, PUT" });
    }
    const verdict = verifyGrant(
      this.options.secret,
      { method: req.method, path: url.pathname, query: url.searchParams },
      this.now(),
    );
    if (verdict.refused !== undefined) {
      // nothing of the body is read; the connection goes with the answer
      return reply(res, 403, verdict.refused, req.method === "PUT" ? { connection: "close" } : {});
    }
    const grant = verdict.granted;
    if (grant.method === "PUT") return this.receive(req, res, key, grant.contentType, grant.maxBytes);
    return this.send(res, key, grant.fileName, grant.expires);
  };

  private async receive(
    req: IncomingMessage,
    res: ServerResponse,
    key: string,
    contentType: string,
    maxBytes: number,
  ): Promise<void> {
    if (req.headers["content-type"] !== contentType) {
      return reply(res, 415, `content-type must be ${contentType}, as signed`, { connection: "close" });
    }
    const tooLarge = `larger than the declared ${maxBytes} bytes`;
    if (Number(req.headers["content-length"] ?? 0) > maxBytes)
      return reply(res, 413, tooLarge, { connection: "close" });

    const partialDir = path.join(this.root, PARTIAL_DIR);
    await mkdir(partialDir, { recursive: true });
    const partial = path.join(partialDir, randomUUID());
    let received = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        done(received > maxBytes ? new TooLarge() : null, chunk);
      },
    });
    // Not in the pipeline: a failed pipeline destroys its streams, and a
    // destroyed request takes the socket with it, before the 413 could be sent.
    const gone = () => {
      if (!req.complete) limit.destroy(new ClientGone());
    };
    req.on("close", gone);
    req.on("error", gone);
    req.pipe(limit);
    try {
      // flush: the bytes are on disk before the rename makes them visible
      await pipeline(limit, createWriteStream(partial, { flags: "wx", flush: true }));
    } catch (error) {
      req.unpipe(limit);
      await rm(partial, { force: true });
      if (error instanceof TooLarge) return reply(res, 413, tooLarge, { connection: "close" });
      // nothing to answer, nothing kept
      if (error instanceof ClientGone) return void res.destroy();
      throw error;
    }

    const meta = `${partial}.meta`;
    try {
      // checked before the type file is written, so a refused key leaves none behind
      if ((await lstat(this.dataPath(key)).catch(() => undefined))?.isDirectory()) throw new KeyCollision();
      await mkdir(path.dirname(this.dataPath(key)), { recursive: true });
      await writeFile(meta, JSON.stringify({ contentType }), { flag: "wx" });
      // type first, then the file: the rename of the file is what makes the upload visible
      await rename(meta, this.metaPath(key));
      await rename(partial, this.dataPath(key));
    } catch (error) {
      await rm(partial, { force: true });
      await rm(meta, { force: true });
      const code = (error as NodeJS.ErrnoException).code ?? "";
      // "a/b" where the file "a" is, or "a" where the folder "a/" is
      if (error instanceof KeyCollision || ["ENOTDIR", "EEXIST", "EISDIR", "ENOTEMPTY"].includes(code)) {
        return reply(res, 409, "the key collides with another file's path");
      }
      throw error;
    }
    res.writeHead(200, { "content-length": "0" });
    res.end();
  }

  private async send(res: ServerResponse, key: string, fileName: string | undefined, expires: number): Promise<void> {
    let handle;
    try {
      handle = await open(this.dataPath(key), "r");
    } catch (error) {
      if (isMissing(error) || (error as NodeJS.ErrnoException).code === "EISDIR") return reply(res, 404, "not found");
      throw error;
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) return reply(res, 404, "not found");
      const maxAge = Math.max(0, expires - Math.floor(this.now().getTime() / 1000));
      res.writeHead(200, {
        "content-type": await this.contentType(key),
        "content-length": String(info.size),
        "cache-control": `private, max-age=${maxAge}`,
        // other people's uploads, served from the API's own origin: never sniffed, never run as a page
        "x-content-type-options": "nosniff",
        "content-security-policy": "sandbox",
        ...(fileName !== undefined ? { "content-disposition": attachmentDisposition(fileName) } : {}),
      });
      try {
        await pipeline(handle.createReadStream({ autoClose: false }), res);
      } catch (error) {
        // the client went away mid-download
        if ((error as NodeJS.ErrnoException).code === "ERR_STREAM_PREMATURE_CLOSE") return;
        throw error;
      }
    } finally {
      await handle.close();
    }
  }

  private async contentType(key: string): Promise<string> {
    try {
      const meta = JSON.parse(await readFile(this.metaPath(key), "utf8")) as { contentType?: unknown };
      return typeof meta.contentType === "string" ? meta.contentType : FALLBACK_TYPE;
    } catch (error) {
      if (isMissing(error)) return FALLBACK_TYPE;
      throw error;
    }
  }

  private expiry(expiresInSeconds: number): number {
    return Math.floor(this.now().getTime() / 1000) + expiresInSeconds;
  }

  private base(): string {
    return this.options.baseUrl().replace(/\/+$/, "");
  }

  private dataPath(key: string): string {
    const file = path.resolve(this.root, ...key.split("/"));
    // assertValidKey already rules out leaving the root; this holds even if that rule is loosened
    if (!file.startsWith(this.root + path.sep)) throw new Error(`key ${key} resolves outside the file store`);
    return file;
  }

  private metaPath(key: string): string {
    const file = this.dataPath(key);
    return path.join(path.dirname(file), `.${path.basename(file)}.meta.json`);
  }
}
