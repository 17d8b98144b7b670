import { readFileSync } from "node:fs";
import { FIRST_PARTY_MANIFEST, firstPartyManifest } from "./first-party-manifest";

describe("the first-party persisted query manifest", () => {
  it("is what `pnpm safelist:manifest` builds from schema/operations now (not stale)", async () => {
    const built = await firstPartyManifest();
    expect(JSON.parse(built).operations.length).toBeGreaterThan(20);
    expect(readFileSync(FIRST_PARTY_MANIFEST, "utf8")).toBe(built);
  });
});
