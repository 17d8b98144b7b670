import { grantQuery, verifyGrant, type UrlGrant } from "./signed-url";

const secret = "s".repeat(32);
const now = new Date("2026-12-01T12:00:00Z");
const inTenMinutes = Math.floor(now.getTime() / 1000) + 600;

const upload: UrlGrant = {
  method: "PUT",
  path: "/files/courses/c1/video.mp4",
  expires: inTenMinutes,
  contentType: "video/mp4",
  maxBytes: 1000,
};
const download: UrlGrant = { method: "GET", path: "/files/courses/c1/video.mp4", expires: inTenMinutes };

/** The request a client makes with the URL, after `change` edits its query. */
function request(
  grant: UrlGrant,
  change: (query: URLSearchParams) => void = () => {},
  over: { path?: string; method?: string } = {},
) {
  const query = new URLSearchParams(grantQuery(secret, grant));
  change(query);
  return { method: over.method ?? grant.method, path: over.path ?? grant.path, query };
}

describe("signed file URLs", () => {
  it("accept the upload they were signed for, with its type and limit", () => {
    expect(verifyGrant(secret, request(upload), now)).toEqual({ granted: upload });
  });

  it("accept the download they were signed for, with its file name", () => {
    expect(verifyGrant(secret, request(download), now)).toEqual({ granted: download });
    const named: UrlGrant = { ...download, fileName: "Lesson 1 — intro.mp4" };
    expect(verifyGrant(secret, request(named), now)).toEqual({ granted: named });
  });

  it.each([
    ["a later expiry", (q: URLSearchParams) => q.set("expires", String(inTenMinutes + 3600))],
    ["another content type", (q: URLSearchParams) => q.set("type", "text/html")],
    ["a larger size limit", (q: URLSearchParams) => q.set("max", "1000000")],
    ["another signature", (q: URLSearchParams) => q.set("sig", Buffer.alloc(32, 1).toString("base64url"))],
    ["a truncated signature", (q: URLSearchParams) => q.set("sig", q.get("sig")!.slice(0, 20))],
    ["no signature", (q: URLSearchParams) => q.delete("sig")],
    ["no size limit", (q: URLSearchParams) => q.delete("max")],
    ["no content type", (q: URLSearchParams) => q.delete("type")],
  ])("refuse an upload URL with %s", (_case, change) => {
    expect(verifyGrant(secret, request(upload, change), now).refused).toEqual(expect.any(String));
  });

  it("refuse an upload URL used for another path or method", () => {
    expect(verifyGrant(secret, request(upload, undefined, { path: "/files/courses/c1/other.mp4" }), now).refused).toBe(
      "signature mismatch",
    );
    expect(verifyGrant(secret, request(download, undefined, { method: "PUT" }), now).refused).toEqual(
      expect.any(String),
    );
    expect(verifyGrant(secret, request(upload, undefined, { method: "GET" }), now).refused).toBe("signature mismatch");
  });

  it("refuse a download URL with another file name, or one added", () => {
    const named: UrlGrant = { ...download, fileName: "notes.pdf" };
    expect(
      verifyGrant(
        secret,
        request(named, (q) => q.set("name", "evil.html")),
        now,
      ).refused,
    ).toBe("signature mismatch");
    expect(
      verifyGrant(
        secret,
        request(download, (q) => q.set("name", "evil.html")),
        now,
      ).refused,
    ).toBe("signature mismatch");
  });

  it("refuse URLs signed with another secret", () => {
    const other = new URLSearchParams(grantQuery("o".repeat(32), upload));
    expect(verifyGrant(secret, { method: "PUT", path: upload.path, query: other }, now).refused).toBe(
      "signature mismatch",
    );
  });

  it("refuse URLs once expired, and accept them up to the second they expire", () => {
    const at = (seconds: number) => new Date(seconds * 1000);
    expect(verifyGrant(secret, request(upload), at(inTenMinutes)).granted).toEqual(upload);
    expect(verifyGrant(secret, request(upload), at(inTenMinutes + 1)).refused).toBe("URL expired");
    expect(verifyGrant(secret, request(download), at(inTenMinutes + 1)).refused).toBe("URL expired");
  });

  it("check the signature before the expiry, so a moved expiry reads as tampering", () => {
    const later = new Date((inTenMinutes + 60) * 1000);
    const moved = request(upload, (q) => q.set("expires", String(inTenMinutes + 3600)));
    expect(verifyGrant(secret, moved, later).refused).toBe("signature mismatch");
  });
});
