import { ifNoneMatchHits, strongEtag } from "./conditional-get";

describe("conditional GET", () => {
  const body = '{"data":{"categories":[]}}';
  const etag = strongEtag(body);

  it("tags a body by its bytes and content type: same body, same tag; another body or type, another tag", () => {
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(strongEtag(body)).toBe(etag);
    expect(strongEtag(`${body} `)).not.toBe(etag);
    expect(strongEtag(body, "application/graphql-response+json")).not.toBe(
      strongEtag(body, "application/json; charset=utf-8"),
    );
  });

  it("finds the tag in If-None-Match lists, weak or strong, and * ", () => {
    expect(ifNoneMatchHits(etag, etag)).toBe(true);
    expect(ifNoneMatchHits(`"other", W/${etag}`, etag)).toBe(true);
    expect(ifNoneMatchHits(['"other"', etag], etag)).toBe(true);
    expect(ifNoneMatchHits("*", etag)).toBe(true);
  });

  it("misses on another tag, a missing header or a malformed one", () => {
    expect(ifNoneMatchHits('"other"', etag)).toBe(false);
    expect(ifNoneMatchHits(undefined, etag)).toBe(false);
    expect(ifNoneMatchHits(etag.replace(/"/g, ""), etag)).toBe(false);
  });
});
