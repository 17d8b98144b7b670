import { randomBytes } from "node:crypto";
import { configError } from "@campus/config";
import { DiskFileStore, type FileRequestHandler } from "./disk-file-store";
import type { FileStore } from "./file-store";
import { S3FileStore } from "./s3-file-store";
import type { FilesSettings } from "./settings";

export interface OpenFileStoreOptions {
  /** Where the disk store keeps files, e.g. DATA_DIR/files/<subgraph>. */
  root: string;
  /** The subgraph's own base URL, read when a URL is signed (kit.ownUrl). */
  baseUrl: () => string;
  /** Where the disk store's handler is mounted (default /files/). */
  pathPrefix?: string;
  /** Create the S3 bucket when missing (development and tests; production buckets are provisioned). */
  createBucket?: boolean;
}

export interface OpenedFileStore {
  store: FileStore;
  /** For the subgraph's Wiring.streams: the disk store's handler, nothing for S3. */
  streams: Record<string, FileRequestHandler>;
}

const UPLOAD_LEFTOVERS_MS = 24 * 3600_000;

/** S3 when S3_BUCKET is set, otherwise the disk store served by the subgraph itself. */
export async function openFileStore(settings: FilesSettings, options: OpenFileStoreOptions): Promise<OpenedFileStore> {
  if (settings.S3_BUCKET) {
    if (!settings.S3_ACCESS_KEY_ID !== !settings.S3_SECRET_ACCESS_KEY) {
      const missing = settings.S3_ACCESS_KEY_ID ? "S3_SECRET_ACCESS_KEY" : "S3_ACCESS_KEY_ID";
      throw configError(missing, "set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither");
    }
    const store = new S3FileStore({
      bucket: settings.S3_BUCKET,
      region: settings.S3_REGION,
      endpoint: settings.S3_ENDPOINT,
      accessKeyId: settings.S3_ACCESS_KEY_ID,
      secretAccessKey: settings.S3_SECRET_ACCESS_KEY,
      forcePathStyle: settings.S3_FORCE_PATH_STYLE,
      publicEndpoint: settings.S3_PUBLIC_ENDPOINT,
    });
    if (options.createBucket) await store.ensureBucket();
    return { store, streams: {} };
  }
  if (!settings.FILES_SIGNING_SECRET && settings.NODE_ENV === "production") {
    // every replica must check the URLs any other one signed, and across restarts
    throw configError("FILES_SIGNING_SECRET", "required when NODE_ENV=production and S3_BUCKET is unset");
  }
  const store = new DiskFileStore({
    root: options.root,
    secret: settings.FILES_SIGNING_SECRET ?? randomBytes(32).toString("base64url"),
    baseUrl: settings.FILES_PUBLIC_URL ? () => settings.FILES_PUBLIC_URL!.replace(/\/$/, "") : options.baseUrl,
    pathPrefix: options.pathPrefix,
  });
  // the handler removes the partial uploads of failed requests; a day-old one is what a crash left
  await store.removeAbandonedUploads(new Date(Date.now() - UPLOAD_LEFTOVERS_MS));
  return { store, streams: store.streams() };
}
