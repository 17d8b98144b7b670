/**
 * Where uploaded files live. Their bytes never pass through GraphQL: the API
 * hands out short-lived signed URLs, the client talks to the storage itself,
 * and the API checks the result with `stat` before it records anything.
 */
export interface FileStore {
  /**
   * A URL the client PUTs the file to, with `headers` exactly as given. The
   * content type and the declared size are part of the signature: a body larger
   * than `sizeBytes` is refused (S3 refuses any other length). Verify with
   * `stat` afterwards anyway: a store that does not check signatures (s3rver)
   * keeps what it was sent.
   */
  uploadUrl(request: UploadRequest): Promise<SignedUpload>;
  /** A URL that reads the file until it expires; with `fileName`, browsers save it under that name. */
  downloadUrl(request: DownloadRequest): Promise<SignedDownload>;
  /** What is really stored under `key` (its size and type, as uploaded), or null. */
  stat(key: string): Promise<StoredFile | null>;
  /** Removes the file; nothing happens when there is none. */
  delete(key: string): Promise<void>;
  /**
   * Keys under `prefix` last written before `before`, in key order: uploads
   * that never completed are found this way once their retention has passed.
   */
  listOlderThan(prefix: string, before: Date): Promise<string[]>;
  /** Releases connections (S3's keep-alive sockets). */
  close(): Promise<void>;
}

export interface UploadRequest {
  key: string;
  contentType: string;
  /** The size the client declared; the upload must not be larger. */
  sizeBytes: number;
  expiresInSeconds: number;
}

export interface SignedUpload {
  url: string;
  method: "PUT";
  /** Every header the signature covers besides Host and Content-Length (which the client sets from the body). */
  headers: { name: string; value: string }[];
  expiresAt: Date;
}

export interface DownloadRequest {
  key: string;
  expiresInSeconds: number;
  /** Sent back as Content-Disposition: attachment, so the download gets a readable name. */
  fileName?: string;
}

export interface SignedDownload {
  url: string;
  expiresAt: Date;
}

export interface StoredFile {
  sizeBytes: number;
  contentType: string;
}

/** A key, prefix, type, size or expiry the stores refuse before signing anything. */
export class FileStoreInputError extends Error {
  override name = "FileStoreInputError";
}

/** S3's own limit for presigned URLs, applied to both stores so that neither accepts what the other refuses. */
export const MAX_EXPIRES_IN_SECONDS = 7 * 24 * 3600;

const KEY_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * Keys are paths of plain segments. No segment may start with a dot, which
 * rules out `.` and `..` (so a key never leaves the disk store's root) and
 * leaves dot-names free for the disk store's own files beside the uploads.
 * One rule for both stores, so that a key that works in development works on S3.
 */
export function assertValidKey(key: string): void {
  if (typeof key !== "string" || key.length === 0 || key.length > 512) {
    throw new FileStoreInputError("a file key is 1 to 512 characters long");
  }
  if (!key.split("/").every((segment) => KEY_SEGMENT.test(segment))) {
    throw new FileStoreInputError(
      `invalid file key ${JSON.stringify(key)}: segments of A-Z a-z 0-9 . _ - separated by "/", none empty or starting with "."`,
    );
  }
}

export function isValidKey(key: string): boolean {
  try {
    assertValidKey(key);
    return true;
  } catch {
    return false;
  }
}

/** A prefix may end inside a segment (`courses/12` matches `courses/123/…`), but uses only key characters. */
export function assertValidPrefix(prefix: string): void {
  if (typeof prefix !== "string" || prefix.length > 512 || !/^[A-Za-z0-9/._-]*$/.test(prefix)) {
    throw new FileStoreInputError(`invalid file key prefix ${JSON.stringify(prefix)}`);
  }
  if (prefix.split("/").some((segment) => segment.startsWith("."))) {
    throw new FileStoreInputError(`invalid file key prefix ${JSON.stringify(prefix)}: no segment starts with "."`);
  }
}

// type/subtype with optional parameters, printable ASCII only, so it can go into a header and a signature as it is
const MEDIA_TYPE =
  /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(\s*;\s*[A-Za-z0-9!#$&^_.+-]+=("[ !#-[\]-~]*"|[A-Za-z0-9!#$&^_.+-]+))*$/;

export function assertValidUpload(request: UploadRequest): void {
  assertValidKey(request.key);
  if (
    typeof request.contentType !== "string" ||
    request.contentType.length > 255 ||
    !MEDIA_TYPE.test(request.contentType)
  ) {
    throw new FileStoreInputError(`invalid content type ${JSON.stringify(request.contentType)}`);
  }
  if (!Number.isSafeInteger(request.sizeBytes) || request.sizeBytes < 0) {
    throw new FileStoreInputError("sizeBytes must be a whole number of bytes, 0 or more");
  }
  assertValidExpiry(request.expiresInSeconds);
}

export function assertValidDownload(request: DownloadRequest): void {
  assertValidKey(request.key);
  if (
    request.fileName !== undefined &&
    (typeof request.fileName !== "string" || !/^.{1,255}$/su.test(request.fileName))
  ) {
    throw new FileStoreInputError("fileName is 1 to 255 characters long");
  }
  assertValidExpiry(request.expiresInSeconds);
}

export function assertValidExpiry(expiresInSeconds: number): void {
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_EXPIRES_IN_SECONDS) {
    throw new FileStoreInputError(`expiresInSeconds must be a whole number from 1 to ${MAX_EXPIRES_IN_SECONDS}`);
  }
}

/**
 * `attachment` with the name twice: an ASCII fallback for old clients and the
 * exact UTF-8 name (RFC 6266), so no name can break out of the header.
 */
export function attachmentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%]/g, "_") || "download";
  const exact = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${exact}`;
}
