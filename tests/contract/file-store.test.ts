import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";
import { DiskFileStore, FileStoreInputError, S3FileStore, type FileStore, type SignedUpload } from "@campus/files";

/**
 * One contract, two stores: files on disk behind the subgraph's own HTTP
 * handler (the embedded default) and S3, here a real s3rver in this process.
 * s3rver does not check presigned signatures (it does check their expiry), so
 * what only a signature can refuse (another length or type, a tampered URL)
 * is asserted as "refused, or visible to stat" for both and as refused for
 * the disk store, whose own checks are tested further down.
 */
const scratch = mkdtempSync(path.join(os.tmpdir(), "campus-files-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const SECRET = randomBytes(32).toString("base64url");

interface Harness {
  store: FileStore;
  /** Whether the server refuses what the URL's signature does not cover. */
  checksSignatures: boolean;
  close(): Promise<void>;
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const closeServer = (server: http.Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

/** The disk store's handler on a real server, as a subgraph mounts it through Wiring.streams. */
async function diskHarness(root: string, options: { now?: () => Date } = {}) {
  let base = "";
  const store = new DiskFileStore({ root, secret: SECRET, baseUrl: () => base, ...options });
  const server = http.createServer((req, res) => {
    if (!req.url?.startsWith(store.pathPrefix)) return void res.writeHead(404).end();
    store.handler(req, res).catch(() => {
      if (res.headersSent) res.destroy();
      else res.writeHead(500).end();
    });
  });
  base = await listen(server);
  return { store, base, root, close: () => closeServer(server) };
}

async function s3Harness(): Promise<Harness> {
  const s3rver = new S3rver({
    port: 0,
    address: "127.0.0.1",
    silent: true,
    directory: mkdtempSync(path.join(scratch, "s3-")),
  });
  const { port } = await s3rver.run();
  const store = new S3FileStore({
    endpoint: `http://127.0.0.1:${port}`,
    region: "us-east-1",
    bucket: "campus-contract",
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    forcePathStyle: true,
  });
  await store.ensureBucket();
  await store.ensureBucket(); // a second time finds it
  return {
    store,
    checksSignatures: false,
    async close() {
      await store.close();
      await s3rver.close();
    },
  };
}

const implementations: [string, () => Promise<Harness>][] = [
  [
    "disk",
    async () => {
      const disk = await diskHarness(mkdtempSync(path.join(scratch, "disk-")));
      return { store: disk.store, checksSignatures: true, close: disk.close };
    },
  ],
  ["s3 (s3rver)", s3Harness],
];

const put = (signed: SignedUpload, body: Uint8Array, headers: Record<string, string> = {}) =>
  fetch(signed.url, {
    method: signed.method,
    headers: { ...Object.fromEntries(signed.headers.map((header) => [header.name, header.value])), ...headers },
    body,
  });

const sleepUntil = (time: Date) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, time.getTime() - Date.now())));

describe.each(implementations)("FileStore contract: %s", (_name, open) => {
  let harness: Harness;
  let store: FileStore;
  beforeAll(async () => {
    harness = await open();
    store = harness.store;
  });
  afterAll(() => harness.close());
  const run = `run-${randomUUID()}`;
  const key = (name = "file.bin") => `${run}/${randomUUID()}/${name}`;

  it("stores an upload at its signed URL with its size and type, and downloads the same bytes", async () => {
    const k = key("notes.pdf");
    const bytes = randomBytes(256 * 1024);
    const signed = await store.uploadUrl({
      key: k,
      contentType: "application/pdf",
      sizeBytes: bytes.length,
      expiresInSeconds: 60,
    });
    expect(signed.method).toBe("PUT");
    expect(signed.headers).toEqual([{ name: "content-type", value: "application/pdf" }]);
    expect(await store.stat(k)).toBeNull();

    const uploaded = await put(signed, bytes);
    expect(uploaded.status).toBe(200);
    expect(await store.stat(k)).toEqual({ sizeBytes: bytes.length, contentType: "application/pdf" });

    const download = await fetch((await store.downloadUrl({ key: k, expiresInSeconds: 60 })).url);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/pdf");
    expect(download.headers.get("content-length")).toBe(String(bytes.length));
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it("a second upload to the same key replaces the first, type included", async () => {
    const k = key();
    await put(
      await store.uploadUrl({ key: k, contentType: "text/plain", sizeBytes: 5, expiresInSeconds: 60 }),
      Buffer.from("first"),
    );
    const signed = await store.uploadUrl({ key: k, contentType: "text/csv", sizeBytes: 3, expiresInSeconds: 60 });
    expect((await put(signed, Buffer.from("a,b"))).status).toBe(200);
    expect(await store.stat(k)).toEqual({ sizeBytes: 3, contentType: "text/csv" });
    expect(await (await fetch((await store.downloadUrl({ key: k, expiresInSeconds: 60 })).url)).text()).toBe("a,b");
  });

  it("stores an empty file", async () => {
    const k = key();
    const signed = await store.uploadUrl({ key: k, contentType: "text/plain", sizeBytes: 0, expiresInSeconds: 60 });
    expect((await put(signed, new Uint8Array())).status).toBe(200);
    expect(await store.stat(k)).toEqual({ sizeBytes: 0, contentType: "text/plain" });
  });

  it("names the download when asked, exactly and safely", async () => {
    const k = key();
    await put(
      await store.uploadUrl({ key: k, contentType: "text/plain", sizeBytes: 2, expiresInSeconds: 60 }),
      Buffer.from("hi"),
    );
    const named = await fetch(
      (await store.downloadUrl({ key: k, expiresInSeconds: 60, fileName: 'Lesson "1" — notes.txt' })).url,
    );
    expect(named.status).toBe(200);
    expect(named.headers.get("content-disposition")).toBe(
      `attachment; filename="Lesson _1_ _ notes.txt"; filename*=UTF-8''Lesson%20%221%22%20%E2%80%94%20notes.txt`,
    );
    const unnamed = await fetch((await store.downloadUrl({ key: k, expiresInSeconds: 60 })).url);
    expect(unnamed.headers.get("content-disposition")).toBeNull();
    await unnamed.arrayBuffer();
  });

  it("says when its URLs expire", async () => {
    const before = Date.now();
    const signed = await store.uploadUrl({
      key: key(),
      contentType: "text/plain",
      sizeBytes: 1,
      expiresInSeconds: 300,
    });
    const download = await store.downloadUrl({ key: key(), expiresInSeconds: 90 });
    for (const [expiresAt, seconds] of [
      [signed.expiresAt, 300],
      [download.expiresAt, 90],
    ] as const) {
      expect(expiresAt.getTime()).toBeGreaterThan(before + seconds * 1000 - 1000);
      expect(expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + seconds * 1000);
    }
  });

  // s3rver checks X-Amz-Date + X-Amz-Expires (not the signature), so this runs on both
  it("refuses a download URL once it has expired", async () => {
    const k = key();
    await put(
      await store.uploadUrl({ key: k, contentType: "text/plain", sizeBytes: 2, expiresInSeconds: 60 }),
      Buffer.from("hi"),
    );
    const signed = await store.downloadUrl({ key: k, expiresInSeconds: 1 });
    expect((await fetch(signed.url)).status).toBe(200);
    await sleepUntil(new Date(signed.expiresAt.getTime() + 1100));
    const expired = await fetch(signed.url);
    expect(expired.status).toBe(403);
    expect(await expired.text()).not.toContain("hi");
  });

  it("refuses an upload URL once it has expired", async () => {
    const k = key();
    const signed = await store.uploadUrl({ key: k, contentType: "text/plain", sizeBytes: 2, expiresInSeconds: 1 });
    await sleepUntil(new Date(signed.expiresAt.getTime() + 1100));
    expect((await put(signed, Buffer.from("hi"))).status).toBe(403);
    expect(await store.stat(k)).toBeNull();
  });

  it("an upload larger than declared is refused, or stat shows its real size so completeUpload can refuse it", async () => {
    const k = key();
    const signed = await store.uploadUrl({ key: k, contentType: "text/plain", sizeBytes: 10, expiresInSeconds: 60 });
    const response = await put(signed, Buffer.alloc(25, "x"));
    const stored = await store.stat(k);
    if (harness.checksSignatures) expect(response.ok).toBe(false);
    // s3rver keeps it (no signature check): the contract is that stat does not hide it
    if (response.ok) expect(stored).toEqual({ sizeBytes: 25, contentType: "text/plain" });
    else expect(stored).toBeNull();
  });

  it("an upload of another content type is refused, or stat shows the type it was stored with", async () => {
    const k = key();
    const signed = await store.uploadUrl({ key: k, contentType: "image/png", sizeBytes: 5, expiresInSeconds: 60 });
    const response = await put(signed, Buffer.from("<svg>"), { "content-type": "text/html" });
    const stored = await store.stat(k);
    if (harness.checksSignatures) expect(response.ok).toBe(false);
    if (response.ok) expect(stored).toEqual({ sizeBytes: 5, contentType: "text/html" });
    else expect(stored).toBeNull();
  });

  it("knows nothing of a key never uploaded", async () => {
    const k = key();
    expect(await store.stat(k)).toBeNull();
    const missing = await fetch((await store.downloadUrl({ key: k, expiresInSeconds: 60 })).url);
    expect(missing.status).toBe(404);
    await missing.arrayBuffer();
  });

  it("delete removes the file, and deleting again is fine", async () => {
    const k = key();
    await put(
      await store.uploadUrl({ key: k, contentType: "text/plain", sizeBytes: 3, expiresInSeconds: 60 }),
      Buffer.from("bye"),
    );
    const url = (await store.downloadUrl({ key: k, expiresInSeconds: 60 })).url;
    expect(await store.stat(k)).not.toBeNull();
    await store.delete(k);
    expect(await store.stat(k)).toBeNull();
    const gone = await fetch(url);
    expect(gone.status).toBe(404);
    await gone.arrayBuffer();
    await expect(store.delete(k)).resolves.toBeUndefined();
    await expect(store.listOlderThan(`${k}`, new Date(Date.now() + 60_000))).resolves.toEqual([]);
  });

  it("listOlderThan finds the files under a prefix written before a time, in key order", async () => {
    const base = `${run}/list-${randomUUID()}`;
    const started = new Date(Date.now() - 2000); // S3 keeps LastModified in whole seconds
    const keys = [`${base}/old/b.txt`, `${base}/old/a.txt`, `${base}/older/c.txt`, `${base}/other/d.txt`];
    for (const k of keys) {
      await put(
        await store.uploadUrl({ key: k, contentType: "text/plain", sizeBytes: 1, expiresInSeconds: 60 }),
        Buffer.from("x"),
      );
    }
    const later = new Date(Date.now() + 2000);
    expect(await store.listOlderThan(`${base}/old/`, later)).toEqual([`${base}/old/a.txt`, `${base}/old/b.txt`]);
    // a prefix may end inside a segment
    expect(await store.listOlderThan(`${base}/old`, later)).toEqual([
      `${base}/old/a.txt`,
      `${base}/old/b.txt`,
      `${base}/older/c.txt`,
    ]);
    expect(await store.listOlderThan(`${base}/`, later)).toHaveLength(4);
    expect(await store.listOlderThan(`${base}/`, started)).toEqual([]);
    expect(await store.listOlderThan(`${base}/nothing/`, later)).toEqual([]);
  });

  it("refuses keys outside the rules before signing anything", async () => {
    await expect(
      store.uploadUrl({ key: "../escape", contentType: "text/plain", sizeBytes: 1, expiresInSeconds: 60 }),
    ).rejects.toThrow(FileStoreInputError);
    await expect(store.downloadUrl({ key: "a/../../b", expiresInSeconds: 60 })).rejects.toThrow(FileStoreInputError);
    await expect(store.stat("/etc/passwd")).rejects.toThrow(FileStoreInputError);
    await expect(store.listOlderThan("../", new Date())).rejects.toThrow(FileStoreInputError);
  });
});

/** What only the disk store's own server can be asked: s3rver does not check signatures. */
describe("disk store: its server's checks", () => {
  let disk: Awaited<ReturnType<typeof diskHarness>>;
  beforeAll(async () => {
    disk = await diskHarness(mkdtempSync(path.join(scratch, "disk-checks-")));
  });
  afterAll(() => disk.close());
  const key = (name = "file.bin") => `checks/${randomUUID()}/${name}`;
  const partials = () => {
    try {
      return readdirSync(path.join(disk.root, ".partial"));
    } catch {
      return []; // not made before the first upload that gets past the checks
    }
  };
  const upload = (k: string, sizeBytes = 5, contentType = "text/plain") =>
    disk.store.uploadUrl({ key: k, contentType, sizeBytes, expiresInSeconds: 60 });

  /** A raw request, so that neither fetch nor URL parsing tidies the path. */
  function raw(
    method: string,
    rawPath: string,
    write: (req: http.ClientRequest) => void = (req) => req.end(),
    headers: Record<string, string> = {},
  ) {
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${disk.base}${rawPath}`, { method, headers, path: rawPath }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      write(req);
    });
  }

  const tamper = (url: string, change: (u: URL) => void) => {
    const u = new URL(url);
    change(u);
    return u.toString();
  };

  it.each([
    ["a later expiry", (u: URL) => u.searchParams.set("expires", String(Number(u.searchParams.get("expires")) + 3600))],
    ["another path", (u: URL) => (u.pathname = u.pathname.replace("file.bin", "other.bin"))],
    ["another content type", (u: URL) => u.searchParams.set("type", "text/html")],
    ["a larger size limit", (u: URL) => u.searchParams.set("max", "1000000")],
    ["no signature", (u: URL) => u.searchParams.delete("sig")],
  ])("refuses an upload URL with %s (403), writing nothing", async (_case, change) => {
    const k = key();
    const signed = await upload(k);
    const url = tamper(signed.url, change);
    const type = new URL(url).searchParams.get("type") ?? "text/plain";
    const response = await fetch(url, { method: "PUT", headers: { "content-type": type }, body: "12345" });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: expect.any(String) });
    expect(await disk.store.stat(k)).toBeNull();
    expect(await disk.store.stat(k.replace("file.bin", "other.bin"))).toBeNull();
  });

  it("refuses URLs signed with another secret", async () => {
    const other = new DiskFileStore({ root: disk.root, secret: "o".repeat(32), baseUrl: () => disk.base });
    const k = key();
    expect(
      (
        await put(
          await other.uploadUrl({ key: k, contentType: "text/plain", sizeBytes: 2, expiresInSeconds: 60 }),
          Buffer.from("hi"),
        )
      ).status,
    ).toBe(403);
    expect(await disk.store.stat(k)).toBeNull();
  });

  it("refuses a download URL with a moved expiry or a changed file name, and an upload URL used to read", async () => {
    const k = key();
    const signed = await upload(k, 2);
    await put(signed, Buffer.from("hi"));
    const download = (await disk.store.downloadUrl({ key: k, expiresInSeconds: 60, fileName: "a.txt" })).url;
    expect((await fetch(download)).status).toBe(200);
    const later = tamper(download, (u) =>
      u.searchParams.set("expires", String(Number(u.searchParams.get("expires")) + 60)),
    );
    expect((await fetch(later)).status).toBe(403);
    expect((await fetch(tamper(download, (u) => u.searchParams.set("name", "a.html")))).status).toBe(403);
    expect((await fetch(signed.url)).status).toBe(403);
  });

  it("refuses a URL signed by a clock an hour behind (expired), without waiting", async () => {
    const behind = new DiskFileStore({
      root: disk.root,
      secret: SECRET,
      baseUrl: () => disk.base,
      now: () => new Date(Date.now() - 3600_000),
    });
    const k = key();
    const signed = await behind.uploadUrl({ key: k, contentType: "text/plain", sizeBytes: 2, expiresInSeconds: 60 });
    const response = await put(signed, Buffer.from("hi"));
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: "URL expired" });
    expect(await disk.store.stat(k)).toBeNull();
  });

  it("refuses another content type with 415 and a declared length over the limit with 413", async () => {
    const k = key();
    const signed = await upload(k, 5, "image/png");
    expect((await put(signed, Buffer.from("12345"), { "content-type": "image/png; x=1" })).status).toBe(415);
    expect((await put(signed, Buffer.from("123456"))).status).toBe(413);
    expect(await disk.store.stat(k)).toBeNull();
    expect((await put(signed, Buffer.from("1234"))).status).toBe(200);
    expect(await disk.store.stat(k)).toEqual({ sizeBytes: 4, contentType: "image/png" });
  });

  it("stops a chunked upload at the limit with 413, keeping nothing, not even the partial file", async () => {
    const k = key();
    const signed = await upload(k, 1000);
    const { pathname, search } = new URL(signed.url);
    const response = await raw(
      "PUT",
      pathname + search,
      (req) => {
        req.write(Buffer.alloc(600, "a"));
        setTimeout(() => {
          req.write(Buffer.alloc(600, "b"));
          req.end();
        }, 50);
      },
      { "content-type": "text/plain", "transfer-encoding": "chunked" },
    );
    expect(response.status).toBe(413);
    expect(await disk.store.stat(k)).toBeNull();
    expect(partials()).toEqual([]);
  });

  it("shows nothing of an upload until it is complete, and keeps nothing of one cut off", async () => {
    const complete = key();
    const signed = await upload(complete, 2000);
    const { pathname, search } = new URL(signed.url);
    let finish!: () => void;
    const finished = raw(
      "PUT",
      pathname + search,
      (req) => {
        req.write(Buffer.alloc(1000, "a"));
        finish = () => req.end(Buffer.alloc(1000, "b"));
      },
      { "content-type": "text/plain", "transfer-encoding": "chunked" },
    );
    await waitFor(() => partials().length === 1);
    expect(await disk.store.stat(complete)).toBeNull();
    expect((await fetch((await disk.store.downloadUrl({ key: complete, expiresInSeconds: 60 })).url)).status).toBe(404);
    finish();
    expect((await finished).status).toBe(200);
    expect(await disk.store.stat(complete)).toEqual({ sizeBytes: 2000, contentType: "text/plain" });

    const cut = key();
    const cutUrl = new URL((await upload(cut, 2000)).url);
    const client = http.request(`${disk.base}${cutUrl.pathname}${cutUrl.search}`, {
      method: "PUT",
      headers: { "content-type": "text/plain", "content-length": "2000" },
    });
    client.on("error", () => {});
    client.write(Buffer.alloc(1000, "a"));
    await waitFor(() => partials().length === 1);
    client.destroy();
    await waitFor(() => partials().length === 0);
    expect(await disk.store.stat(cut)).toBeNull();
  });

  it.each([
    "/files/../outside.txt",
    "/files/%2e%2e/outside.txt",
    "/files/checks/..%2f..%2foutside.txt",
    "/files//etc/passwd",
    "/files/.partial/x",
  ])("answers 404 for %s, whatever its query", async (rawPath) => {
    writeFileSync(path.join(scratch, "outside.txt"), "secret");
    const signed = await disk.store.downloadUrl({ key: "outside.txt", expiresInSeconds: 60 });
    const response = await raw("GET", `${rawPath}${new URL(signed.url).search}`);
    expect(response.status).toBe(404);
    expect(response.body).not.toContain("secret");
  });

  it("never serves or lists the content-type file kept beside an upload", async () => {
    const k = key("doc.txt");
    await put(await upload(k, 2), Buffer.from("hi"));
    const folder = path.dirname(path.join(disk.root, k));
    expect(readdirSync(folder).sort()).toEqual([".doc.txt.meta.json", "doc.txt"]);
    const signed = new URL((await disk.store.downloadUrl({ key: k, expiresInSeconds: 60 })).url);
    const sidecar = await raw("GET", `${signed.pathname.replace("doc.txt", ".doc.txt.meta.json")}${signed.search}`);
    expect(sidecar.status).toBe(404);
    expect(await disk.store.listOlderThan(path.dirname(k), new Date(Date.now() + 60_000))).toEqual([k]);
  });

  it("answers a key that collides with another file's path with 409, leaving nothing behind", async () => {
    const k = key("a");
    await put(await upload(k, 1), Buffer.from("x"));
    const response = await put(await upload(`${k}/b`, 1), Buffer.from("y"));
    expect(response.status).toBe(409);
    expect(partials()).toEqual([]);

    const folder = key("folder");
    await put(await upload(`${folder}/inside`, 1), Buffer.from("x"));
    expect((await put(await upload(folder, 1), Buffer.from("y"))).status).toBe(409);
    expect(readdirSync(path.dirname(path.join(disk.root, folder)))).toEqual(["folder"]);
    expect(await disk.store.stat(`${folder}/inside`)).toEqual({ sizeBytes: 1, contentType: "text/plain" });
    expect(partials()).toEqual([]);
  });

  it("refuses other methods", async () => {
    const signed = await disk.store.downloadUrl({ key: key(), expiresInSeconds: 60 });
    expect((await fetch(signed.url, { method: "DELETE" })).status).toBe(405);
  });

  it("removes uploads a crash left behind once they are old, and only those", async () => {
    const dir = path.join(disk.root, ".partial");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "crashed"), "half");
    const twoDaysAgo = new Date(Date.now() - 48 * 3600_000);
    utimesSync(path.join(dir, "crashed"), twoDaysAgo, twoDaysAgo);
    writeFileSync(path.join(dir, "in-flight"), "half");
    await disk.store.removeAbandonedUploads(new Date(Date.now() - 24 * 3600_000));
    expect(partials()).toEqual(["in-flight"]);
    rmSync(path.join(dir, "in-flight"));
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
