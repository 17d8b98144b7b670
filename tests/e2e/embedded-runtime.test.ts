import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { seedDemoData, type Campus } from "@campus/embedded";
import { backends, operation, post, registerUser, startTestCampus, type TestCampus } from "../support";

/**
 * What the embedded default (`pnpm dev`) promises beyond serving the API:
 * everything survives a restart (signed-in sessions too), PORT means the
 * router's port, the demo data load resumes where an interrupted one
 * stopped, and an explorer works without internet.
 */
const embedded = backends()[0]!;
const ME = operation("mvp", "Me");
const REFRESH = operation("mvp", "RefreshTokens");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe("the embedded runtime", () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), "campus-embedded-"));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it("keeps signed-in sessions across a restart: the access token and the refresh token still work", async () => {
    let campus: TestCampus = await startTestCampus(embedded, {}, { dataDir });
    const user = await registerUser(campus);
    await campus.stop();

    campus = await startTestCampus(embedded, {}, { dataDir });
    try {
      const me = await campus.gql(ME, {}, user.accessToken);
      expect(me.errors).toBeUndefined();
      expect(me.data.me.id).toBe(user.id);
      const refreshed = await campus.gql(REFRESH, { refreshToken: user.refreshToken });
      expect(refreshed.errors).toBeUndefined();
      // a logout before the restart stays a logout after it
      await campus.gql(`mutation { logout }`, {}, refreshed.data.refreshTokens.accessToken);
    } finally {
      await campus.stop();
    }
    campus = await startTestCampus(embedded, {}, { dataDir });
    try {
      expect((await campus.gql(ME, {}, user.accessToken)).status).toBe(401);
    } finally {
      await campus.stop();
    }
  });

  it("takes PORT as the router's port; the subgraphs take other, free ports", async () => {
    const port = await freePort();
    const campus = await startTestCampus(embedded, { PORT: String(port), HOST: "127.0.0.1" }, { ports: undefined });
    try {
      expect(campus.routerUrl).toBe(`http://127.0.0.1:${port}/graphql`);
      for (const url of Object.values(campus.subgraphUrls)) expect(new URL(url).port).not.toBe(String(port));
      expect((await campus.gql(`{ __typename }`)).data).toEqual({ __typename: "Query" });
    } finally {
      await campus.stop();
    }
  });

  describe("demo data", () => {
    /** What the demo data amounts to, in every subgraph. */
    async function fingerprint(campus: Campus) {
      const count = async (db: keyof Campus["databases"], sql: string) =>
        (await campus.databases[db]!.query<{ n: string }>(sql)).map((row) => Object.values(row).join(":")).join(",");
      return {
        users: await count("identity", `SELECT count(*) AS n FROM "identity"."User"`),
        categories: await count("catalog", `SELECT count(*) AS n FROM "catalog"."Category"`),
        courses: await count(
          "catalog",
          `SELECT status::text, count(*) AS n FROM "catalog"."Course" GROUP BY status ORDER BY status`,
        ),
        modules: await count("catalog", `SELECT count(*) AS n FROM "catalog"."Module"`),
        enrollments: await count(
          "enrollment",
          `SELECT status::text, count(*) AS n FROM "enrollment"."Enrollment" GROUP BY status ORDER BY status`,
        ),
        completions: await count("enrollment", `SELECT count(*) AS n FROM "enrollment"."ModuleCompletion"`),
        orders: await count(
          "commerce",
          `SELECT status::text, count(*) AS n FROM "commerce"."Order" GROUP BY status ORDER BY status`,
        ),
        refunds: await count("commerce", `SELECT status::text, count(*) AS n FROM "commerce"."Refund" GROUP BY status`),
        assignments: await count(
          "assessment",
          `SELECT kind::text, status::text, count(*) AS n FROM "assessment"."Assignment" GROUP BY kind, status ORDER BY kind`,
        ),
        submissions: await count(
          "assessment",
          `SELECT status::text, count(*) AS n FROM "assessment"."Submission" GROUP BY status ORDER BY status`,
        ),
        contents: await count(
          "content",
          `SELECT kind::text, count(*) AS n FROM "content"."ContentItem" WHERE "currentVersion" IS NOT NULL GROUP BY kind`,
        ),
      };
    }
    const COURSES = 12;

    it("resumes an interrupted load and ends exactly where an uninterrupted one does", async () => {
      const reference = await startTestCampus(embedded);
      let expected;
      try {
        await seedDemoData(reference, { courses: COURSES });
        expected = await fingerprint(reference);
      } finally {
        await reference.stop();
      }
      expect(expected.modules).not.toBe("0");
      // a few paid orders, the first one refunded
      expect(expected.orders).toBe("FULFILLED:2,REFUNDED:1");
      expect(expected.refunds).toBe("SUCCEEDED:1");
      // every course opens with an article
      expect(expected.contents).toBe(`ARTICLE:${COURSES}`);
      // a quiz in every course, an essay in the first three free ones; of 12 courses 3 are free and
      // published, so three learners take a quiz (graded at once) and two hand in an essay, one graded
      expect(expected.assignments).toBe(`ESSAY:PUBLISHED:3,QUIZ:PUBLISHED:${COURSES}`);
      expect(expected.submissions).toBe("GRADED:4,SUBMITTED:1");

      const markerFile = path.join(dataDir, "demo-data.json");
      let campus: TestCampus = await startTestCampus(embedded, {}, { dataDir });
      const interrupt = new AbortController();
      const cut = seedDemoData(campus, {
        courses: COURSES,
        markerFile,
        signal: interrupt.signal,
        progress: (step, done) => {
          if (step === "courses" && done === 5) interrupt.abort();
        },
      });
      await expect(cut).rejects.toThrow();
      const partial = await fingerprint(campus);
      expect(partial).not.toEqual(expected);
      await campus.stop();

      campus = await startTestCampus(embedded, {}, { dataDir });
      try {
        expect(await seedDemoData(campus, { courses: COURSES, markerFile })).toEqual({
          seeded: true,
          courses: COURSES,
        });
        expect(await fingerprint(campus)).toEqual(expected);
        // complete: the next start does nothing
        expect(await seedDemoData(campus, { courses: COURSES, markerFile })).toEqual({
          seeded: false,
          courses: COURSES,
        });
        expect(await fingerprint(campus)).toEqual(expected);
      } finally {
        await campus.stop();
      }
    });
  });

  describe("the offline explorer", () => {
    it("serves GraphiQL and its assets from the router, none from a CDN", async () => {
      const campus = await startTestCampus(embedded);
      try {
        const root = campus.routerUrl.replace(/\/graphql$/, "");
        const page = await fetch(`${root}/explorer`);
        expect(page.status).toBe(200);
        expect(page.headers.get("content-type")).toMatch(/text\/html/);
        const html = await page.text();
        const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
        expect(assets.length).toBeGreaterThanOrEqual(5);
        for (const asset of assets) {
          expect(asset.startsWith("/explorer/")).toBe(true); // nothing from another origin
          const response = await fetch(`${root}${asset}`);
          expect({ asset, status: response.status }).toEqual({ asset, status: 200 });
          expect(response.headers.get("content-type")).toMatch(asset.endsWith(".css") ? /text\/css/ : /javascript/);
          expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(100);
        }
        // the explorer talks to the same endpoint clients do
        const answer = await post(campus.routerUrl, `{ __typename }`);
        expect(answer.data).toEqual({ __typename: "Query" });
      } finally {
        await campus.stop();
      }
    });

    it("is off where developer tools are off", async () => {
      const campus = await startTestCampus(embedded, { SANDBOX: "false" });
      try {
        const root = campus.routerUrl.replace(/\/graphql$/, "");
        expect((await fetch(`${root}/explorer`)).status).toBe(404);
        expect((await fetch(`${root}/explorer/graphiql.js`)).status).toBe(404);
      } finally {
        await campus.stop();
      }
    });
  });
});
