import { identityHeaders, MAX_PROOF_AGE_MS, signRequest } from "@campus/auth";
import { backends, registerAdmin, registerUser, startTestCampus, type TestCampus } from "../support";

/**
 * Nothing reaches a subgraph without the router's proof, and a proof is good
 * for one request only: its method, path and body, within a few seconds.
 * Each case sends what an attacker on the internal network could (a captured
 * header set, a stale or future-dated one, none at all) straight to a
 * subgraph port and expects HTTP 401 with nothing done.
 */
describe.each(backends().map((backend) => [backend.name, backend] as const))(
  "subgraphs answer the router only (%s)",
  (_name, backend) => {
    let campus: TestCampus;
    beforeAll(async () => {
      campus = await startTestCampus(backend);
    });
    afterAll(() => campus?.stop());

    async function send(
      subgraph: keyof TestCampus["subgraphUrls"],
      body: string,
      headers: Record<string, string>,
    ): Promise<{ status: number; body: any }> {
      const response = await fetch(campus.subgraphUrls[subgraph]!, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body,
      });
      return { status: response.status, body: await response.json() };
    }

    /** Headers the router would send for `body`, signed at `at`. */
    function routerHeaders(viewer: { userId: string | null; roles: string[] }, body: string, at = Date.now()) {
      const identity = identityHeaders({ userId: viewer.userId, roles: viewer.roles as never, clientIp: "10.0.0.1" });
      return {
        ...identity,
        ...signRequest(campus.internalAuthSecret, { method: "POST", path: "/graphql", body }, identity, at),
      };
    }

    const SERVICE = JSON.stringify({ query: "{ _service { sdl } }" });
    const INTROSPECTION = JSON.stringify({ query: "{ __schema { queryType { name } } }" });

    it.each(["identity", "catalog", "enrollment"] as const)(
      "%s refuses requests without a proof (SDL, introspection, _entities) with 401",
      async (subgraph) => {
        for (const body of [SERVICE, INTROSPECTION]) {
          const answer = await send(subgraph, body, {});
          expect(answer.status).toBe(401);
          expect(answer.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
          expect(answer.body.data).toBeUndefined();
        }
      },
    );

    it("a signed request is served (control), anonymous callers included", async () => {
      const answer = await send("catalog", SERVICE, routerHeaders({ userId: null, roles: [] }, SERVICE));
      expect(answer.status).toBe(200);
      expect(answer.body.data._service.sdl).toContain("type Course");
    });

    it("a draft's facts never reach an unsigned _entities call", async () => {
      const body = JSON.stringify({
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Course { id title status } } }`,
        variables: { r: [{ __typename: "Course", id: "00000000-0000-4000-8000-000000000000" }] },
      });
      expect((await send("catalog", body, {})).status).toBe(401);
    });

    it("a captured proof carries no other body: grantRole with a learner's headers is refused", async () => {
      const admin = await registerAdmin(campus);
      const learner = await registerUser(campus);
      const innocent = JSON.stringify({ query: "{ me { id } }" });
      const captured = routerHeaders({ userId: admin.id, roles: ["LEARNER", "ADMIN"] }, innocent);
      const attack = JSON.stringify({
        query: `mutation { grantRole(userId: "${learner.id}", role: ADMIN) { id roles } }`,
      });
      const answer = await send("identity", attack, captured);
      expect(answer.status).toBe(401);
      const [row] = await campus.databases.identity.query<{ roles: string[] }>(
        `SELECT roles::text[] AS roles FROM "identity"."User" WHERE id = $1`,
        [learner.id],
      );
      expect(row!.roles).toEqual(["LEARNER"]);
      // the same headers with the body they were made for still work (the proof itself was fine)
      expect((await send("identity", innocent, captured)).status).toBe(200);
    });

    it("a proof dated in the future, or older than the window, is refused", async () => {
      const body = JSON.stringify({ query: "{ categories { id } }" });
      const anonymous = { userId: null, roles: [] };
      expect((await send("catalog", body, routerHeaders(anonymous, body, Date.now() + 59_000))).status).toBe(401);
      expect((await send("catalog", body, routerHeaders(anonymous, body, Date.now() + 10_000))).status).toBe(401);
      expect(
        (await send("catalog", body, routerHeaders(anonymous, body, Date.now() - MAX_PROOF_AGE_MS - 1000))).status,
      ).toBe(401);
      expect((await send("catalog", body, routerHeaders(anonymous, body))).status).toBe(200);
    });

    it("25 parallel unsigned register calls make no account", async () => {
      const [before] = await campus.databases.identity.query<{ n: string }>(
        `SELECT count(*) AS n FROM "identity"."User"`,
      );
      const answers = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          send(
            "identity",
            JSON.stringify({
              query: `mutation($i: RegisterInput!) { register(input: $i) { accessToken } }`,
              variables: {
                i: { email: `direct${i}.${Date.now()}@example.com`, password: "a long passphrase", name: "X" },
              },
            }),
            {},
          ),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(25).fill(401));
      const [after] = await campus.databases.identity.query<{ n: string }>(
        `SELECT count(*) AS n FROM "identity"."User"`,
      );
      expect(after!.n).toBe(before!.n);
    });
  },
);
