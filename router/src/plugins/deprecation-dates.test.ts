import { deprecationDatesOf, deprecationHeaders } from "./deprecation-dates";

describe("deprecation dates", () => {
  it("reads when a field was deprecated and when it goes away", () => {
    expect(deprecationDatesOf("Use `slug`. Deprecated 2026-09-01, removal 2027-03-01.")).toEqual({
      deprecatedAt: new Date("2026-09-01T00:00:00Z"),
      sunsetAt: new Date("2027-03-01T00:00:00Z"),
    });
    expect(deprecationDatesOf("deprecated since 2026-01-31; sunset: 2026-12-31")).toEqual({
      deprecatedAt: new Date("2026-01-31T00:00:00Z"),
      sunsetAt: new Date("2026-12-31T00:00:00Z"),
    });
    expect(deprecationDatesOf("Removed on 2027-01-15. Deprecated on 2026-06-30.")).toEqual({
      deprecatedAt: new Date("2026-06-30T00:00:00Z"),
      sunsetAt: new Date("2027-01-15T00:00:00Z"),
    });
  });

  it("states nothing for a reason without dates, or with dates that are no day", () => {
    expect(deprecationDatesOf("No longer supported")).toEqual({});
    expect(deprecationDatesOf("Deprecated 2026-02-30, removal 2027-13-01")).toEqual({});
    // a date that is not introduced by the convention's words is not taken
    expect(deprecationDatesOf("Prices before 2026-01-01 are in cents")).toEqual({});
  });

  it("answers RFC 9745 and RFC 8594 headers: earliest deprecation, earliest removal", () => {
    const now = new Date("2026-12-02T10:00:00Z");
    expect(
      deprecationHeaders(
        ["Deprecated 2026-09-01, removal 2027-03-01.", "Deprecated 2026-10-01, removal 2027-01-15."],
        now,
      ),
    ).toEqual({ deprecation: "@1788220800", sunset: "Fri, 15 Jan 2027 00:00:00 GMT" });
  });

  it("dates an undated deprecation at the response, with no Sunset", () => {
    const now = new Date("2026-12-02T10:00:00.750Z");
    expect(deprecationHeaders(["No longer supported"], now)).toEqual({ deprecation: "@1796205600" });
    expect(deprecationHeaders([], now)).toBeUndefined();
  });
});
