import { S3FileStore } from "./s3-file-store";

/**
 * s3rver (the contract suite's S3) does not check signatures, so what the
 * presigned URLs bind is checked here, on the URLs themselves: real S3
 * refuses an upload whose signed headers differ.
 */
describe("S3 presigned URLs", () => {
  const store = new S3FileStore({
    endpoint: "http://127.0.0.1:9",
    region: "eu-west-1",
    bucket: "campus-files",
    accessKeyId: "AKIDEXAMPLE",
    secretAccessKey: "secret",
    forcePathStyle: true,
  });
  afterAll(() => store.close());

  it("sign the upload's content type and length, and nothing the client cannot send", async () => {
    const signed = await store.uploadUrl({
      key: "courses/c1/video.mp4",
      contentType: "video/mp4",
      sizeBytes: 1234,
      expiresInSeconds: 600,
    });
    const url = new URL(signed.url);
    expect(url.pathname).toBe("/campus-files/courses/c1/video.mp4");
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;content-type;host");
    expect(url.searchParams.get("X-Amz-Expires")).toBe("600");
    // a checksum of the empty body at signing time would make S3 refuse every real upload
    expect([...url.searchParams.keys()].filter((name) => name.toLowerCase().includes("checksum"))).toEqual([]);
    expect(signed.headers).toEqual([{ name: "content-type", value: "video/mp4" }]);
    const signedAt = Date.parse(
      url.searchParams.get("X-Amz-Date")!.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, "$1-$2-$3T$4:$5:$6Z"),
    );
    expect(signed.expiresAt.getTime()).toBe(signedAt + 600_000);
  });

  it("name the download through the signed response-content-disposition", async () => {
    const signed = await store.downloadUrl({ key: "a/b.pdf", expiresInSeconds: 60, fileName: "Notes.pdf" });
    const url = new URL(signed.url);
    expect(url.searchParams.get("response-content-disposition")).toBe(
      `attachment; filename="Notes.pdf"; filename*=UTF-8''Notes.pdf`,
    );
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("host");
    const plain = new URL((await store.downloadUrl({ key: "a/b.pdf", expiresInSeconds: 60 })).url);
    expect(plain.searchParams.has("response-content-disposition")).toBe(false);
  });

  it("are signed for the public endpoint when clients reach the server elsewhere", async () => {
    const behindCompose = new S3FileStore({
      endpoint: "http://minio:9000",
      publicEndpoint: "http://localhost:9000",
      region: "eu-west-1",
      bucket: "campus-files",
      accessKeyId: "AKIDEXAMPLE",
      secretAccessKey: "secret",
      forcePathStyle: true,
    });
    try {
      const upload = new URL(
        (
          await behindCompose.uploadUrl({
            key: "a/b.pdf",
            contentType: "application/pdf",
            sizeBytes: 1,
            expiresInSeconds: 60,
          })
        ).url,
      );
      const download = new URL((await behindCompose.downloadUrl({ key: "a/b.pdf", expiresInSeconds: 60 })).url);
      expect([upload.host, download.host]).toEqual(["localhost:9000", "localhost:9000"]);
    } finally {
      await behindCompose.close();
    }
  });
});
