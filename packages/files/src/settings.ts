import { booleanFlag, z } from "@campus/config";

/**
 * The file store's settings, for a subgraph's `settings`. S3 (or MinIO) when
 * S3_BUCKET is set; otherwise files on disk under DATA_DIR, served by the
 * subgraph itself at URLs signed with FILES_SIGNING_SECRET.
 */
export const filesEnv = {
  /**
   * Signs the disk store's upload and download URLs (at least 32 characters).
   * Required in production unless S3_BUCKET is set; generated per start
   * otherwise, so URLs handed out before a restart stop working.
   */
  FILES_SIGNING_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /** An S3-compatible server (MinIO: http://minio:9000); unset for AWS S3. */
  S3_ENDPOINT: z.string().url("must be a URL, e.g. http://minio:9000").optional(),
  /** Where clients reach the S3 server when not at S3_ENDPOINT (compose: http://localhost:9000); URLs are signed for it. */
  S3_PUBLIC_ENDPOINT: z.string().url("must be a URL, e.g. http://localhost:9000").optional(),
  /**
   * Disk store: where clients reach this subgraph's /files/ (the ingress's
   * URL for it); unset: the subgraph's own URL, right for `pnpm dev`.
   */
  FILES_PUBLIC_URL: z.string().url("must be a URL, e.g. https://files.campus.example").optional(),
  S3_REGION: z.string().trim().min(1).default("us-east-1"),
  /** Files go to this bucket when set, to disk when not. */
  S3_BUCKET: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name (3-63 of a-z 0-9 . -)")
    .optional(),
  /** With S3_SECRET_ACCESS_KEY; both unset: the AWS SDK's own chain (environment, instance role). */
  S3_ACCESS_KEY_ID: z.string().trim().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Bucket in the path (endpoint/bucket/key), as MinIO and s3rver expect. */
  S3_FORCE_PATH_STYLE: booleanFlag(false),
};

/** For a subgraph's `optionalInProduction`: the deployment passes each on when the operator sets it. */
export const filesSettingNames = Object.keys(filesEnv) as (keyof typeof filesEnv)[];

/** The fields openFileStore reads: a subgraph's config has them once its settings include filesEnv. */
export type FilesSettings = { NODE_ENV: string } & z.infer<z.ZodObject<typeof filesEnv>>;
