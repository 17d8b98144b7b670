import { positiveInt, z } from "@campus/config";
import { filesEnv } from "@campus/files";

/** `video/mp4, video/webm` → ["video/mp4", "video/webm"]: media types compared lower-case. */
const mediaTypeList = (fallback: string) =>
  z
    .string()
    .trim()
    .default(fallback)
    .transform((value) =>
      value
        .split(",")
        .map((type) => type.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.string().regex(/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/, "must list media types, e.g. video/mp4"))
        .min(1, "must list at least one media type"),
    );

/** Content's own settings, with the file store's (S3 when S3_BUCKET is set, else disk under DATA_DIR). */
export const contentSettings = {
  /** The largest video a version may declare. */
  CONTENT_MAX_VIDEO_BYTES: positiveInt(2 * 1024 ** 3),
  CONTENT_MAX_PDF_BYTES: positiveInt(100 * 1024 ** 2),
  /** An article's markdown, in UTF-8 bytes (it travels through GraphQL, so it stays small). */
  CONTENT_MAX_ARTICLE_BYTES: positiveInt(256 * 1024),
  /** Comma-separated media types a video may have; checked when declared and again in completeUpload. */
  CONTENT_VIDEO_TYPES: mediaTypeList("video/mp4,video/webm"),
  CONTENT_PDF_TYPES: mediaTypeList("application/pdf"),
  /** How long an upload URL may be used. */
  CONTENT_UPLOAD_URL_SECONDS: positiveInt(900),
  /** How long a download URL works; a new one is signed on every read. */
  CONTENT_DOWNLOAD_URL_SECONDS: positiveInt(300),
  /** A version still PENDING_UPLOAD this long after it was added is deleted, its file with it. */
  CONTENT_ORPHAN_RETENTION_HOURS: positiveInt(24),
  /** How often the orphan sweep runs. */
  CONTENT_SWEEP_INTERVAL_SECONDS: positiveInt(600),
  ...filesEnv,
};
