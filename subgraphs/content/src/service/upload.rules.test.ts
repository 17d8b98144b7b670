import { DomainError } from "@campus/errors";
import { checkArticleBody, checkDeclaredFile, storedFileProblem, type UploadLimits } from "./upload.rules";

const limits: UploadLimits = {
  VIDEO: { maxBytes: 1000, types: ["video/mp4", "video/webm"] },
  PDF: { maxBytes: 100, types: ["application/pdf"] },
  articleMaxBytes: 10,
};
const file = { name: "talk.mp4", contentType: "video/mp4", sizeBytes: 1000 };

const reasonOf = (work: () => void) => {
  try {
    work();
    return "OK";
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return String((error as DomainError).extensions.reason ?? (error as DomainError).extensions.code);
  }
};

describe("declared files", () => {
  it("accept an allowed type (parameters and case aside) up to the kind's limit", () => {
    expect(reasonOf(() => checkDeclaredFile("VIDEO", file, limits))).toBe("OK");
    expect(
      reasonOf(() => checkDeclaredFile("VIDEO", { ...file, contentType: 'Video/MP4; codecs="avc1"' }, limits)),
    ).toBe("OK");
  });

  it("refuse another type, another kind's type, a size over the limit, an empty or odd name", () => {
    expect(reasonOf(() => checkDeclaredFile("VIDEO", { ...file, contentType: "text/html" }, limits))).toBe(
      "CONTENT_TYPE_NOT_ALLOWED",
    );
    expect(reasonOf(() => checkDeclaredFile("PDF", { ...file, sizeBytes: 10 }, limits))).toBe(
      "CONTENT_TYPE_NOT_ALLOWED",
    );
    expect(reasonOf(() => checkDeclaredFile("VIDEO", { ...file, sizeBytes: 1001 }, limits))).toBe("TOO_LARGE");
    expect(reasonOf(() => checkDeclaredFile("VIDEO", { ...file, sizeBytes: 0 }, limits))).toBe("BAD_USER_INPUT");
    expect(reasonOf(() => checkDeclaredFile("VIDEO", { ...file, name: " " }, limits))).toBe("BAD_USER_INPUT");
    expect(reasonOf(() => checkDeclaredFile("VIDEO", { ...file, name: "a\nb.mp4" }, limits))).toBe("BAD_USER_INPUT");
  });

  it("count an article's limit in UTF-8 bytes", () => {
    expect(reasonOf(() => checkArticleBody("0123456789", limits))).toBe("OK");
    expect(reasonOf(() => checkArticleBody("äääää0", limits))).toBe("TOO_LARGE");
  });
});

describe("storedFileProblem", () => {
  const declared = { sizeBytes: 100, contentType: "application/pdf" };

  it("accepts exactly the declared type at or under the declared size", () => {
    expect(storedFileProblem(declared, { sizeBytes: 100, contentType: "application/pdf" })).toBeNull();
    expect(storedFileProblem(declared, { sizeBytes: 42, contentType: "application/pdf" })).toBeNull();
  });

  it("names what is wrong: missing, larger than declared, empty, another type", () => {
    expect(storedFileProblem(declared, null)?.reason).toBe("NOT_UPLOADED");
    expect(storedFileProblem(declared, { sizeBytes: 101, contentType: "application/pdf" })?.reason).toBe(
      "LARGER_THAN_DECLARED",
    );
    expect(storedFileProblem(declared, { sizeBytes: 0, contentType: "application/pdf" })?.reason).toBe("EMPTY_FILE");
    expect(storedFileProblem(declared, { sizeBytes: 50, contentType: "application/octet-stream" })?.reason).toBe(
      "CONTENT_TYPE_MISMATCH",
    );
  });
});
