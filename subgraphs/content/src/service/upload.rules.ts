import { badInput } from "@campus/errors";
import type { StoredFile } from "@campus/files";

export type FileKind = "VIDEO" | "PDF";

/** Per kind: the largest file and the media types allowed (settings CONTENT_MAX_*_BYTES, CONTENT_*_TYPES). */
export interface UploadLimits {
  VIDEO: { maxBytes: number; types: readonly string[] };
  PDF: { maxBytes: number; types: readonly string[] };
  articleMaxBytes: number;
}

export interface DeclaredFile {
  name: string;
  contentType: string;
  sizeBytes: number;
}

/** `Video/MP4; codecs="avc1"` → `video/mp4`: what the allow-list is compared with. */
export const baseMediaType = (contentType: string) => contentType.split(";")[0]!.trim().toLowerCase();

/** Refuses a declared file its kind does not allow, before anything is written or signed. */
export function checkDeclaredFile(kind: FileKind, file: DeclaredFile, limits: UploadLimits): void {
  const { maxBytes, types } = limits[kind];
  if (!types.includes(baseMediaType(file.contentType))) {
    throw badInput(`A ${kind} must be one of: ${types.join(", ")}`, {
      field: "file.contentType",
      reason: "CONTENT_TYPE_NOT_ALLOWED",
    });
  }
  if (!Number.isSafeInteger(file.sizeBytes) || file.sizeBytes < 1) {
    throw badInput("sizeBytes must be a whole number of bytes, 1 or more", { field: "file.sizeBytes" });
  }
  if (file.sizeBytes > maxBytes) {
    throw badInput(`A ${kind} may be at most ${maxBytes} bytes`, { field: "file.sizeBytes", reason: "TOO_LARGE" });
  }
  if (
    file.name.trim().length === 0 ||
    file.name.length > 255 ||
    [...file.name].some((c) => c < " " || c === "\u007f")
  ) {
    throw badInput("file.name must be 1 to 255 printable characters", { field: "file.name" });
  }
}

export function checkArticleBody(body: string, limits: UploadLimits): void {
  if (Buffer.byteLength(body, "utf8") > limits.articleMaxBytes) {
    throw badInput(`An article may be at most ${limits.articleMaxBytes} bytes of markdown`, {
      field: "body",
      reason: "TOO_LARGE",
    });
  }
}

/**
 * Why the stored object does not match what was declared, or null when it
 * does: it must exist, hold at least one byte and no more than declared, and
 * have exactly the declared type (a store that does not check signatures
 * keeps whatever it was sent).
 */
export function storedFileProblem(declared: { sizeBytes: number; contentType: string }, stored: StoredFile | null) {
  if (!stored) return { reason: "NOT_UPLOADED", message: "Nothing was uploaded to the upload URL yet" } as const;
  if (stored.sizeBytes > declared.sizeBytes) {
    return {
      reason: "LARGER_THAN_DECLARED",
      message: `The upload is ${stored.sizeBytes} bytes, more than the declared ${declared.sizeBytes}`,
    } as const;
  }
  if (stored.sizeBytes === 0) return { reason: "EMPTY_FILE", message: "The upload is empty" } as const;
  if (stored.contentType !== declared.contentType) {
    return {
      reason: "CONTENT_TYPE_MISMATCH",
      message: `The upload is ${stored.contentType}, not the declared ${declared.contentType}`,
    } as const;
  }
  return null;
}
