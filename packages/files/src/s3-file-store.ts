import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import {
  assertValidDownload,
  assertValidKey,
  assertValidPrefix,
  assertValidUpload,
  attachmentDisposition,
  type DownloadRequest,
  type FileStore,
  type SignedDownload,
  type SignedUpload,
  type StoredFile,
  type UploadRequest,
} from "./file-store";

export interface S3FileStoreOptions {
  bucket: string;
  region: string;
  /** For S3-compatible servers (MinIO, s3rver); unset for AWS. */
  endpoint?: string;
  /** Both or neither: without them the SDK's own chain applies (environment, instance role). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `endpoint/bucket/key` instead of `bucket.endpoint/key`: what MinIO and s3rver expect. */
  forcePathStyle?: boolean;
  /**
   * Where clients reach the server when it is not at `endpoint` (compose: the
   * services use http://minio:9000, a browser http://localhost:9000). SigV4
   * signs the host, so URLs are signed for this one.
   */
  publicEndpoint?: string;
}

const isNotFound = (error: unknown) => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === "NotFound" || e.name === "NoSuchKey" || e.$metadata?.httpStatusCode === 404;
};

/**
 * Files in an S3 bucket (or MinIO). Clients upload and download with presigned
 * URLs; Content-Type and Content-Length are among the signed headers, so S3
 * refuses an upload of another type or length.
 *
 * The AWS SDK warns once on Node 20 that its releases after January 2027 need
 * Node 22; the version is pinned in package.json (set
 * AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true to silence it).
 */
export class S3FileStore implements FileStore {
  private readonly client: S3Client;
  /** Signs the URLs clients use: `client` itself unless clients reach the server elsewhere. */
  private readonly signer: S3Client;
  private readonly bucket: string;

  constructor(options: S3FileStoreOptions) {
    if (!options.accessKeyId !== !options.secretAccessKey) {
      throw new Error("S3 credentials need both the access key id and the secret access key, or neither");
    }
    this.bucket = options.bucket;
    const client = (endpoint: string | undefined) =>
      new S3Client({
        region: options.region,
        endpoint,
        forcePathStyle: options.forcePathStyle ?? false,
        credentials:
          options.accessKeyId && options.secretAccessKey
            ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
            : undefined,
        // Otherwise the SDK adds a CRC32 of the (empty) body to every presigned
        // PUT, and S3 refuses the real upload for not matching it.
        requestChecksumCalculation: "WHEN_REQUIRED",
      });
    this.client = client(options.endpoint);
    this.signer = options.publicEndpoint ? client(options.publicEndpoint) : this.client;
  }

  async uploadUrl(request: UploadRequest): Promise<SignedUpload> {
    assertValidUpload(request);
    const signingDate = new Date();
    const url = await getSignedUrl(
      this.signer,
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: request.key,
        ContentType: request.contentType,
        ContentLength: request.sizeBytes,
      }),
      {
        expiresIn: request.expiresInSeconds,
        signingDate,
        // the presigner leaves Content-Type unsigned unless asked; both must bind the upload
        signableHeaders: new Set(["content-type", "content-length"]),
      },
    );
    return {
      url,
      method: "PUT",
      headers: [{ name: "content-type", value: request.contentType }],
      expiresAt: expiresAt(signingDate, request.expiresInSeconds),
    };
  }

  async downloadUrl(request: DownloadRequest): Promise<SignedDownload> {
    assertValidDownload(request);
    const signingDate = new Date();
    const url = await getSignedUrl(
      this.signer,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: request.key,
        ...(request.fileName !== undefined
          ? { ResponseContentDisposition: attachmentDisposition(request.fileName) }
          : {}),
      }),
      { expiresIn: request.expiresInSeconds, signingDate },
    );
    return { url, expiresAt: expiresAt(signingDate, request.expiresInSeconds) };
  }

  async stat(key: string): Promise<StoredFile | null> {
    assertValidKey(key);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { sizeBytes: head.ContentLength ?? 0, contentType: head.ContentType ?? "application/octet-stream" };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async listOlderThan(prefix: string, before: Date): Promise<string[]> {
    assertValidPrefix(prefix);
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key && object.LastModified && object.LastModified.getTime() < before.getTime())
          keys.push(object.Key);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  /** Creates the bucket when it is missing: for development and tests (production buckets are provisioned). */
  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
    if (this.signer !== this.client) this.signer.destroy();
  }
}

/** SigV4 counts the expiry from the signing time in whole seconds (X-Amz-Date). */
const expiresAt = (signingDate: Date, seconds: number) =>
  new Date(Math.floor(signingDate.getTime() / 1000) * 1000 + seconds * 1000);
