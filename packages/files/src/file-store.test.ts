import {
  assertValidKey,
  assertValidPrefix,
  assertValidUpload,
  attachmentDisposition,
  FileStoreInputError,
} from "./file-store";

describe("file keys", () => {
  it.each(["a", "courses/c1/lesson-2/video_1.mp4", "x/y.z/v1.0.tar.gz"])("accept %s", (key) => {
    expect(() => assertValidKey(key)).not.toThrow();
  });

  it.each([
    "",
    "../etc/passwd",
    "a/../../b",
    "a/./b",
    "/absolute",
    "a//b",
    "a/",
    ".hidden",
    "a/.b.meta.json",
    "a\\b",
    "a b",
    "a%2e%2e",
    "ä",
    "x".repeat(513),
  ])("refuse %j", (key) => {
    expect(() => assertValidKey(key)).toThrow(FileStoreInputError);
  });

  it("prefixes may end inside a segment but not climb out", () => {
    expect(() => assertValidPrefix("")).not.toThrow();
    expect(() => assertValidPrefix("uploads/2026-1")).not.toThrow();
    expect(() => assertValidPrefix("uploads/")).not.toThrow();
    expect(() => assertValidPrefix("../")).toThrow(FileStoreInputError);
    expect(() => assertValidPrefix("a/.partial")).toThrow(FileStoreInputError);
  });
});

describe("upload requests", () => {
  const valid = { key: "a/b.pdf", contentType: "application/pdf", sizeBytes: 10, expiresInSeconds: 60 };

  it("accept a media type with parameters", () => {
    expect(() => assertValidUpload({ ...valid, contentType: 'text/plain; charset="utf-8"' })).not.toThrow();
  });

  it.each([
    { contentType: "pdf" },
    { contentType: "text/plain\r\nx-evil: 1" },
    { contentType: "" },
    { sizeBytes: -1 },
    { sizeBytes: 1.5 },
    { expiresInSeconds: 0 },
    { expiresInSeconds: 7 * 24 * 3600 + 1 },
  ])("refuse %j", (change) => {
    expect(() => assertValidUpload({ ...valid, ...change })).toThrow(FileStoreInputError);
  });
});

describe("attachmentDisposition", () => {
  it("keeps the exact name in filename* and an ASCII one that cannot break the header", () => {
    expect(attachmentDisposition('Lecture "1" — notes.pdf')).toBe(
      `attachment; filename="Lecture _1_ _ notes.pdf"; filename*=UTF-8''Lecture%20%221%22%20%E2%80%94%20notes.pdf`,
    );
    expect(attachmentDisposition("a\r\nset-cookie: x")).not.toMatch(/[\r\n]/);
  });
});
