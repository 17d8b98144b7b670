import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { promisify } from "node:util";
import path from "node:path";
import { loadConfig } from "@campus/config";
import { createRouter, routerConfigSchema } from "@campus/router";
import { urlSetting } from "@campus/subgraph";
import {
  backends,
  operation,
  registerAdmin,
  registerInstructor,
  startTestCampus,
  type GraphQLResult,
  type TestCampus,
  type TestUser,
} from "../support";

/**
 * Partners end to end (docs/partners.md): keys, safelists uploaded as
 * Apollo's tool writes them, scopes, rotation, suspension, usage, rate
 * limits; and first-party APQ shared by two routers over one SharedStore,
 * and the safelist-only mode.
 */

// the "small client project": its operations and the manifest Apollo's tool generated from them, uploaded as is
const FIXTURE = path.resolve(__dirname, "../fixtures/partner-client/persisted-query-manifest.json");
const MANIFEST = readFileSync(FIXTURE, "utf8");
const print = (line: string) => process.stdout.write(`${line}\n`);
interface Listed {
  id: string;
  name: string;
  body: string;
}
const listed = (name: string) => (JSON.parse(MANIFEST).operations as Listed[]).find((entry) => entry.name === name)!;
const COURSES = listed("PartnerCourses");
const SEARCH = listed("PartnerSearch");
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const manifestOf = (operations: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ format: "apollo-persisted-query-manifest", version: 1, operations, ...extra });
const entry = (name: string, body: string) => ({ id: sha256(body), name, type: "query", body });

const GRACE_SECONDS = 2;
const codeOf = (result: GraphQLResult) => result.errors?.[0]?.extensions?.code;

async function send(url: string, init: RequestInit): Promise<GraphQLResult> {
  const response = await fetch(url, init);
  const text = await response.text();
  let parsed: { data?: unknown; errors?: GraphQLResult["errors"] } = {};
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { errors: [{ message: text, extensions: { code: `HTTP_${response.status}` } }] };
  }
  return { status: response.status, headers: response.headers, data: parsed.data ?? undefined, errors: parsed.errors };
}

/** A persisted query as Apollo clients send it: by hash only, POST or GET. */
function persisted(
  routerUrl: string,
  hash: string,
  options: { apiKey?: string; variables?: Record<string, unknown>; method?: "GET" | "POST"; query?: string } = {},
) {
  const extensions = { persistedQuery: { version: 1, sha256Hash: hash } };
  const headers: Record<string, string> = options.apiKey ? { "x-api-key": options.apiKey } : {};
  if (options.method === "GET") {
    const search = new URLSearchParams({
      variables: JSON.stringify(options.variables ?? {}),
      extensions: JSON.stringify(extensions),
    });
    // Apollo's CSRF prevention wants a preflighted header on GET
    return send(`${routerUrl}?${search}`, { headers: { ...headers, "apollo-require-preflight": "true" } });
  }
  return send(routerUrl, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({
      variables: options.variables ?? {},
      extensions,
      ...(options.query ? { query: options.query } : {}),
    }),
  });
}

/** A second router over the same subgraphs and the same SharedStore (another replica). */
async function anotherRouter(campus: TestCampus, env: Record<string, string> = {}) {
  const config = loadConfig(routerConfigSchema, {
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    RATE_LIMIT_PER_MINUTE: "10000",
    ...Object.fromEntries(Object.entries(campus.subgraphUrls).map(([name, url]) => [urlSetting(name), url])),
    JWKS_URL: campus.subgraphUrls.identity.replace(/\/graphql$/, "/.well-known/jwks.json"),
    ...env,
  });
  const router = await createRouter(
    { ...config, INTERNAL_AUTH_SECRET: campus.internalAuthSecret },
    { store: campus.store },
  );
  const server = await router.start(0);
  return { url: `${server.url}/graphql`, stop: server.stop };
}

describe.each(backends())("partners (%s)", (backend) => {
  let campus: TestCampus;
  let admin: TestUser;

  const asAdmin = (query: string, variables: Record<string, unknown>) =>
    campus.gql(query, variables, admin.accessToken);

  async function createPartner(scopes: string[], requestsPerMinute?: number) {
    const answer = await asAdmin(operation("partners", "CreatePartner"), {
      input: { name: `Partner ${scopes.join("+")}`, contactEmail: "dev@partner.example", scopes, requestsPerMinute },
    });
    expect(answer.errors).toBeUndefined();
    return {
      id: answer.data.createPartner.partner.id as string,
      apiKey: answer.data.createPartner.apiKey as string,
      answer,
    };
  }

  const publish = (partnerId: string, manifest: string) =>
    asAdmin(operation("partners", "PublishPartnerOperations"), { partnerId, manifest });

  beforeAll(async () => {
    campus = await startTestCampus(backend, {
      PARTNER_KEY_GRACE_SECONDS: String(GRACE_SECONDS),
      PARTNER_MANIFEST_MAX_BYTES: "20000",
      // the usage test folds by hand, and checks nothing was folded before
      PARTNER_SYNC_INTERVAL_SECONDS: "3600",
      APQ_MAX_DOCUMENT_BYTES: "2000",
    });
    admin = await registerAdmin(campus);
    // one published course for the partner to read
    const instructor = await registerInstructor(campus);
    const created = await campus.gql(
      `mutation ($input: CreateCourseInput!) { createCourse(input: $input) { id } }`,
      {
        input: {
          title: "Partner-readable course",
          description: "d",
          level: "BEGINNER",
          price: { amount: 0, currency: "EUR" },
        },
      },
      instructor.accessToken,
    );
    const courseId = created.data.createCourse.id;
    await campus.gql(
      `mutation ($id: ID!) { addModule(courseId: $id, input: { title: "M1" }) { id } }`,
      { id: courseId },
      instructor.accessToken,
    );
    const published = await campus.gql(
      `mutation ($id: ID!) { publishCourse(id: $id) { id status } }`,
      { id: courseId },
      instructor.accessToken,
    );
    expect(published.errors).toBeUndefined();
  });
  afterAll(() => campus?.stop());

  it("an admin creates a partner: the key is shown once with its prefix, and only its hash is stored", async () => {
    const { id, apiKey, answer } = await createPartner(["CATALOG_READ", "SEARCH_READ"]);
    const partner = answer.data.createPartner.partner;
    expect(partner).toMatchObject({ status: "ACTIVE", scopes: ["CATALOG_READ", "SEARCH_READ"] });
    expect(apiKey).toMatch(/^cmp_live_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(apiKey.startsWith(`${partner.keyPrefix}_`)).toBe(true);
    const rows = await campus.databases.identity.query<{ hash: string }>(
      `SELECT "hash" FROM "identity"."PartnerKey" WHERE "partnerId" = $1`,
      [id],
    );
    expect(rows).toEqual([{ hash: sha256(apiKey) }]);
    const listedPartners = await asAdmin(operation("partners", "Partners"), {});
    expect(JSON.stringify(listedPartners.data)).not.toContain(apiKey);
  });

  it("uploads the manifest Apollo's tool generated as is, and runs only its operations, by hash, by POST and GET", async () => {
    const { id, apiKey } = await createPartner(["CATALOG_READ", "SEARCH_READ"]);
    const published = await publish(id, MANIFEST);
    expect(published.errors).toBeUndefined();
    expect(published.data.publishPartnerOperations.partner).toEqual({ id, operationCount: 2 });

    const byPost = await persisted(campus.routerUrl, COURSES.id, { apiKey, variables: { first: 5 } });
    expect(byPost.errors).toBeUndefined();
    expect(byPost.data.courses.totalCount).toBeGreaterThanOrEqual(1);
    expect(byPost.data.courses.edges[0].node).toMatchObject({ __typename: "Course", title: expect.any(String) });

    const byGet = await persisted(campus.routerUrl, COURSES.id, { apiKey, variables: { first: 5 }, method: "GET" });
    expect({ status: byGet.status, errors: byGet.errors }).toEqual({ status: 200, errors: undefined });
    expect(byGet.data).toEqual(byPost.data);
    // a partner key counts as signed in for HTTP caching (docs/http-caching.md): `courses` answers
    // depend on the caller, so no shared cache keeps them; cacheable answers would vary on X-Api-Key
    expect(byGet.headers.get("cache-control")).toBe("no-store");

    const search = await persisted(campus.routerUrl, SEARCH.id, { apiKey, variables: { text: "" } });
    expect(search.errors).toBeUndefined();
    expect(typeof search.data.searchCourses.totalCount).toBe("number");
  });

  it("exports the published manifests for pnpm schema:check (pnpm partners:manifests)", async () => {
    if (!campus.storageEnv.IDENTITY_DATABASE_URL) {
      return print("[partners] the embedded PGlite lives in this process: no CLI can read it beside the test");
    }
    const { id } = await createPartner(["CATALOG_READ", "SEARCH_READ"]);
    expect((await publish(id, MANIFEST)).errors).toBeUndefined();
    const dir = mkdtempSync(path.join(tmpdir(), "campus-manifests-"));
    const root = path.resolve(__dirname, "../..");
    const run = (file: string, args: string[]) =>
      promisify(execFile)(process.execPath, ["-r", "@swc-node/register", file, ...args], {
        cwd: root,
        env: { ...process.env, ...campus.storageEnv },
        timeout: 90_000,
      });
    const exported = await run("subgraphs/identity/src/cli/partner-manifests.ts", [dir]);
    expect(exported.stdout).toMatch(/partner manifests written/);
    const written = JSON.parse(readFileSync(path.join(dir, `${id}.json`), "utf8"));
    const ids = (manifest: { operations: { id: string }[] }) => manifest.operations.map((op) => op.id).sort();
    expect(written.format).toBe("apollo-persisted-query-manifest");
    expect(ids(written)).toEqual(ids(JSON.parse(MANIFEST)));
    // the check reads them as the partner's operations
    const checked = await run("router/src/schema-check/cli.ts", [
      "--against",
      "schema/supergraph.graphql",
      "--manifests",
      dir,
    ]);
    expect(checked.stdout).toContain("schema:check");
  }, 180_000);

  it("refuses a document from a partner key (PERSISTED_QUERY_NOT_ALLOWED) and an unlisted hash (PERSISTED_QUERY_NOT_FOUND)", async () => {
    const { id, apiKey } = await createPartner(["CATALOG_READ"]);
    expect((await publish(id, manifestOf([COURSES]))).errors).toBeUndefined();

    const freeForm = await campus.gql(COURSES.body, { first: 1 }, undefined, { "x-api-key": apiKey });
    expect({ status: freeForm.status, code: codeOf(freeForm) }).toEqual({
      status: 400,
      code: "PERSISTED_QUERY_NOT_ALLOWED",
    });
    // a document with its hash (APQ registration) is a document too
    const registering = await persisted(campus.routerUrl, COURSES.id, { apiKey, query: COURSES.body });
    expect(codeOf(registering)).toBe("PERSISTED_QUERY_NOT_ALLOWED");

    // listed for another partner, or known to first-party APQ: not this partner's
    const categories = "query Categories { categories { id } }";
    expect((await persisted(campus.routerUrl, sha256(categories), { query: categories })).errors).toBeUndefined();
    for (const hash of [SEARCH.id, sha256(categories), "0".repeat(64)]) {
      const unlisted = await persisted(campus.routerUrl, hash, { apiKey });
      expect({ hash, status: unlisted.status, code: codeOf(unlisted) }).toEqual({
        hash,
        status: 400,
        code: "PERSISTED_QUERY_NOT_FOUND",
      });
    }
  });

  it("a publish is enforced by the next request: operations dropped from the list stop at once", async () => {
    const { id, apiKey } = await createPartner(["CATALOG_READ", "SEARCH_READ"]);
    expect((await publish(id, MANIFEST)).errors).toBeUndefined();
    expect((await persisted(campus.routerUrl, SEARCH.id, { apiKey, variables: { text: "" } })).errors).toBeUndefined();
    expect((await publish(id, manifestOf([COURSES]))).errors).toBeUndefined();
    expect(codeOf(await persisted(campus.routerUrl, SEARCH.id, { apiKey, variables: { text: "" } }))).toBe(
      "PERSISTED_QUERY_NOT_FOUND",
    );
  });

  it("scopes: a partner lacking SEARCH_READ cannot publish a search, and the refusal names it", async () => {
    const { id, apiKey } = await createPartner(["CATALOG_READ"]);
    const refused = await publish(id, MANIFEST);
    expect({ status: refused.status, code: codeOf(refused) }).toEqual({ status: 400, code: "BAD_USER_INPUT" });
    const problems: string[] = refused.errors![0]!.extensions!.problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^PartnerSearch: Query\.searchCourses is not open to this partner's scopes/);
    // refused whole: nothing of it was published
    expect(codeOf(await persisted(campus.routerUrl, COURSES.id, { apiKey, variables: { first: 1 } }))).toBe(
      "PERSISTED_QUERY_NOT_FOUND",
    );
    // fields open to no partner scope (a session field, an admin field) are refused too
    const other = await publish(
      id,
      manifestOf([
        { ...entry("Cart", "query Cart { cart { id } }") },
        { ...entry("Users", "query Users { users { totalCount } }") },
      ]),
    );
    expect(other.errors![0]!.extensions!.problems).toEqual([
      expect.stringMatching(/^Cart: Query\.cart is not open/),
      expect.stringMatching(/^Users: Query\.users is not open/),
    ]);
  });

  it("refuses bad manifests whole, listing every problem", async () => {
    const { id } = await createPartner(["CATALOG_READ"]);
    // refused by the router's check (400), or by identity's size limit while the mutation runs (200, as errors from a resolver are)
    const problemsOf = async (manifest: string, status = 400) => {
      const answer = await publish(id, manifest);
      expect({ status: answer.status, code: codeOf(answer) }).toEqual({ status, code: "BAD_USER_INPUT" });
      return answer.errors![0]!.extensions!.problems as string[];
    };
    expect(await problemsOf("{ not json")).toEqual(["the manifest is not JSON"]);
    expect(await problemsOf(manifestOf([], { format: "relay", version: 2 }))).toEqual([
      'format must be "apollo-persisted-query-manifest"',
      "version must be 1",
    ]);
    const body = "query A { categories { id } }";
    expect(
      await problemsOf(
        manifestOf([
          { id: sha256("something else"), name: "A", type: "query", body },
          entry("B", "query B { categories { name } }"),
          entry("B", "query B { categories { id name } }"),
        ]),
      ),
    ).toEqual([
      `operation A: id must be the sha256 of its body (${sha256(body)})`,
      "operation B: the name is used twice",
    ]);
    expect(
      await problemsOf(manifestOf([entry("Big", `query Big { categories { id } } # ${"x".repeat(20_000)}`)]), 200),
    ).toEqual([expect.stringMatching(/^the manifest is \d+ bytes; the limit is 20000$/)]);
    // against the supergraph: every operation's problems
    expect(
      await problemsOf(
        manifestOf([
          entry("Nope", "query Nope { noSuchField }"),
          entry("Broken", "query Broken { categories {"),
          entry("Fine", "query Fine { categories { id } }"),
        ]),
      ),
    ).toEqual([
      expect.stringMatching(/^Nope: Cannot query field "noSuchField" on type "Query"/),
      expect.stringMatching(/^Broken: Syntax Error/),
    ]);
  });

  it("rotation: the new key works at once, the old one for the grace period, then 401 like any bad key", async () => {
    const { id, apiKey: old } = await createPartner(["CATALOG_READ"]);
    expect((await publish(id, manifestOf([COURSES]))).errors).toBeUndefined();
    const rotated = await asAdmin(operation("partners", "RotatePartnerKey"), { partnerId: id });
    expect(rotated.errors).toBeUndefined();
    const fresh = rotated.data.rotatePartnerKey.apiKey as string;
    expect(fresh.startsWith(`${rotated.data.rotatePartnerKey.partner.keyPrefix}_`)).toBe(true);
    expect(fresh).not.toBe(old);
    for (const apiKey of [fresh, old]) {
      expect(
        (await persisted(campus.routerUrl, COURSES.id, { apiKey, variables: { first: 1 } })).errors,
      ).toBeUndefined();
    }
    await new Promise((resolve) => setTimeout(resolve, GRACE_SECONDS * 1000 + 300));
    const late = await persisted(campus.routerUrl, COURSES.id, { apiKey: old, variables: { first: 1 } });
    const garbage = await persisted(campus.routerUrl, COURSES.id, { apiKey: `${old.slice(0, -4)}AAAA` });
    expect({ status: late.status, errors: late.errors }).toEqual({ status: 401, errors: garbage.errors });
    expect(codeOf(late)).toBe("UNAUTHENTICATED");
    expect(
      (await persisted(campus.routerUrl, COURSES.id, { apiKey: fresh, variables: { first: 1 } })).errors,
    ).toBeUndefined();
  });

  it("suspension stops every key on the next request, with the same 401 as a bad key", async () => {
    const { id, apiKey } = await createPartner(["CATALOG_READ"]);
    expect((await publish(id, manifestOf([COURSES]))).errors).toBeUndefined();
    expect((await persisted(campus.routerUrl, COURSES.id, { apiKey, variables: { first: 1 } })).errors).toBeUndefined();
    const suspended = await asAdmin(operation("partners", "SuspendPartner"), { partnerId: id });
    expect(suspended.data.suspendPartner).toEqual({ id, status: "SUSPENDED" });
    const refused = await persisted(campus.routerUrl, COURSES.id, { apiKey, variables: { first: 1 } });
    expect({ status: refused.status, code: codeOf(refused), message: refused.errors?.[0]?.message }).toEqual({
      status: 401,
      code: "UNAUTHENTICATED",
      message: "Invalid API key",
    });
  });

  it("refuses a key in the query string without echoing it", async () => {
    const { apiKey } = await createPartner(["CATALOG_READ"]);
    for (const name of ["api_key", "apiKey", "x-api-key"]) {
      const answer = await send(`${campus.routerUrl}?${name}=${encodeURIComponent(apiKey)}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: COURSES.id } } }),
      });
      expect({ name, status: answer.status, code: codeOf(answer) }).toEqual({
        name,
        status: 400,
        code: "BAD_USER_INPUT",
      });
      expect(JSON.stringify(answer.errors)).not.toContain(apiKey.slice(9));
    }
  });

  it("counts usage per operation per day without a database write per request, and folds it into identity", async () => {
    const { id, apiKey } = await createPartner(["CATALOG_READ", "SEARCH_READ"]);
    expect((await publish(id, MANIFEST)).errors).toBeUndefined();
    for (let i = 0; i < 3; i += 1) await persisted(campus.routerUrl, COURSES.id, { apiKey, variables: { first: 1 } });
    // an error answer counts as a request and an error (search's required variable missing)
    await persisted(campus.routerUrl, SEARCH.id, { apiKey, variables: {} });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const folded = async () =>
      campus.databases.identity.query<{ operationName: string; requests: number }>(
        `SELECT "operationName", "requests" FROM "identity"."PartnerUsage" WHERE "partnerId" = $1`,
        [id],
      );
    expect(await folded()).toEqual([]);

    const usageOf = async () => {
      const partners = await asAdmin(operation("partners", "Partners"), {});
      expect(partners.errors).toBeUndefined();
      return partners.data.partners.find((partner: { id: string }) => partner.id === id);
    };
    const live = await usageOf();
    expect(live.usage).toEqual([
      { operationName: "PartnerCourses", requests: 3, errors: 0 },
      { operationName: "PartnerSearch", requests: 1, errors: 1 },
    ]);
    expect(live.operationCount).toBe(2);
    expect(Date.parse(live.lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);

    await campus.services.identity.partnerSync.run();
    await campus.services.identity.partnerSync.run(); // folding twice changes nothing
    expect((await folded()).sort((a, b) => a.operationName.localeCompare(b.operationName))).toEqual([
      { operationName: "PartnerCourses", requests: 3 },
      { operationName: "PartnerSearch", requests: 1 },
    ]);
    expect((await usageOf()).usage).toEqual(live.usage);
  });

  it("rate-limits a partner per operation at its requestsPerMinute, with RateLimit-* headers and Retry-After", async () => {
    const { id, apiKey } = await createPartner(["CATALOG_READ", "SEARCH_READ"], 3);
    expect((await publish(id, MANIFEST)).errors).toBeUndefined();
    for (const remaining of [2, 1, 0]) {
      const answer = await persisted(campus.routerUrl, COURSES.id, { apiKey, variables: { first: 1 } });
      expect(answer.errors).toBeUndefined();
      expect(answer.headers.get("ratelimit-limit")).toBe("3");
      expect(answer.headers.get("ratelimit-remaining")).toBe(String(remaining));
      expect(Number(answer.headers.get("ratelimit-reset"))).toBeGreaterThan(0);
    }
    const limited = await persisted(campus.routerUrl, COURSES.id, { apiKey, variables: { first: 1 } });
    expect({ status: limited.status, code: codeOf(limited) }).toEqual({ status: 429, code: "RATE_LIMITED" });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.headers.get("ratelimit-remaining")).toBe("0");
    // another operation has its own budget
    expect((await persisted(campus.routerUrl, SEARCH.id, { apiKey, variables: { text: "" } })).errors).toBeUndefined();
  });

  it("first-party APQ: a document registered through one router is found by another sharing the store; large ones are not kept", async () => {
    const other = await anotherRouter(campus);
    try {
      const query = `query Shared${Date.now()} { categories { id name } }`;
      expect(codeOf(await persisted(other.url, sha256(query)))).toBe("PERSISTED_QUERY_NOT_FOUND");
      const registered = await persisted(campus.routerUrl, sha256(query), { query });
      expect(registered.errors).toBeUndefined();
      const found = await persisted(other.url, sha256(query));
      expect(found.errors).toBeUndefined();
      expect(found.data).toEqual(registered.data);
      const byGet = await persisted(other.url, sha256(query), { method: "GET" });
      expect(byGet.data).toEqual(registered.data);

      const large = `query Large { categories { id } } # ${"x".repeat(2_100)}`;
      expect((await persisted(campus.routerUrl, sha256(large), { query: large })).errors).toBeUndefined();
      expect(codeOf(await persisted(other.url, sha256(large)))).toBe("PERSISTED_QUERY_NOT_FOUND");
    } finally {
      await other.stop();
    }
  });

  it("SAFELIST_ONLY: first-party calls run only the first-party manifest's operations, by hash", async () => {
    const safelisted = await anotherRouter(campus, { SAFELIST_ONLY: "true" });
    try {
      const firstParty = JSON.parse(
        readFileSync(path.resolve(__dirname, "../../schema/persisted-query-manifest.json"), "utf8"),
      ).operations as Listed[];
      const courses = firstParty.find((candidate) => candidate.name === "Courses")!;
      const ok = await persisted(safelisted.url, courses.id, { variables: { first: 2 } });
      expect(ok.errors).toBeUndefined();
      expect(ok.data.courses.totalCount).toBeGreaterThanOrEqual(1);

      const freeForm = await send(safelisted.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ categories { id } }" }),
      });
      expect({ status: freeForm.status, code: codeOf(freeForm) }).toEqual({
        status: 400,
        code: "PERSISTED_QUERY_NOT_ALLOWED",
      });
      const registering = await persisted(safelisted.url, sha256("{ categories { id } }"), {
        query: "{ categories { id } }",
      });
      expect(codeOf(registering)).toBe("PERSISTED_QUERY_NOT_ALLOWED");
      expect(codeOf(await persisted(safelisted.url, "1".repeat(64)))).toBe("PERSISTED_QUERY_NOT_FOUND");
    } finally {
      await safelisted.stop();
    }
  });
});
