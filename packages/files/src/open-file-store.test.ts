import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConfigError, loadConfig, z } from "@campus/config";
import { DiskFileStore } from "./disk-file-store";
import { openFileStore } from "./open-file-store";
import { S3FileStore } from "./s3-file-store";
import { filesEnv } from "./settings";

const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  ...filesEnv,
});
const root = mkdtempSync(path.join(os.tmpdir(), "campus-files-open-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const options = { root, baseUrl: () => "http://127.0.0.1:1" };

describe("openFileStore", () => {
  it("stores on disk when no bucket is set, with the handler to mount", async () => {
    const opened = await openFileStore(loadConfig(schema, {}), options);
    expect(opened.store).toBeInstanceOf(DiskFileStore);
    expect(Object.keys(opened.streams)).toEqual(["/files/"]);
  });

  it("signs disk URLs for FILES_PUBLIC_URL when set, the subgraph's own URL otherwise", async () => {
    const request = { key: "a/b.pdf", expiresInSeconds: 60 };
    const own = await openFileStore(loadConfig(schema, {}), options);
    expect((await own.store.downloadUrl(request)).url).toMatch(/^http:\/\/127\.0\.0\.1:1\/files\/a\/b\.pdf\?/);
    const behindIngress = await openFileStore(
      loadConfig(schema, { FILES_PUBLIC_URL: "https://files.campus.example/" }),
      options,
    );
    expect((await behindIngress.store.downloadUrl(request)).url).toMatch(
      /^https:\/\/files\.campus\.example\/files\/a\/b\.pdf\?/,
    );
  });

  it("uses S3 when S3_BUCKET is set, and mounts nothing", async () => {
    const opened = await openFileStore(
      loadConfig(schema, {
        S3_BUCKET: "campus-files",
        S3_ENDPOINT: "http://127.0.0.1:9000",
        S3_FORCE_PATH_STYLE: "true",
      }),
      options,
    );
    expect(opened.store).toBeInstanceOf(S3FileStore);
    expect(opened.streams).toEqual({});
    await opened.store.close();
  });

  it("refuses production on disk without FILES_SIGNING_SECRET, naming the setting", async () => {
    await expect(openFileStore(loadConfig(schema, { NODE_ENV: "production" }), options)).rejects.toThrow(
      /FILES_SIGNING_SECRET: required when NODE_ENV=production/,
    );
    const secret = "p".repeat(32);
    const opened = await openFileStore(
      loadConfig(schema, { NODE_ENV: "production", FILES_SIGNING_SECRET: secret }),
      options,
    );
    expect(opened.store).toBeInstanceOf(DiskFileStore);
  });

  it("refuses half of the S3 credentials", async () => {
    const settings = loadConfig(schema, { S3_BUCKET: "campus-files", S3_ACCESS_KEY_ID: "key" });
    await expect(openFileStore(settings, options)).rejects.toThrow(ConfigError);
    await expect(openFileStore(settings, options)).rejects.toThrow(/S3_SECRET_ACCESS_KEY/);
  });

  it("refuses a short signing secret and a bad bucket name at load", () => {
    expect(() => loadConfig(schema, { FILES_SIGNING_SECRET: "short" })).toThrow(/FILES_SIGNING_SECRET/);
    expect(() => loadConfig(schema, { S3_BUCKET: "Not_A_Bucket" })).toThrow(/S3_BUCKET/);
    expect(() => loadConfig(schema, { S3_FORCE_PATH_STYLE: "yes" })).toThrow(/S3_FORCE_PATH_STYLE/);
  });
});
