import { randomUUID } from "node:crypto";
import type { Viewer } from "@campus/auth";
import { parseEvent } from "@campus/events";
import { startSubgraph, type SubgraphHarness } from "@campus/testkit";
import { subgraph, type IdentityServices } from "./index";

/**
 * Identity on its own, through its HTTP server as the router calls it:
 * accounts and their events, who sees what of a user, roles, the JWKS.
 */
const REGISTER = `mutation($i: RegisterInput!) { register(input: $i) { accessToken user { id email roles } } }`;
const USER = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id name email status } } }`;

describe("identity subgraph over HTTP", () => {
  let h: SubgraphHarness<IdentityServices>;
  beforeAll(async () => {
    h = await startSubgraph(subgraph);
  });
  afterAll(() => h?.stop());

  const register = async (name = "Ada Lovelace") => {
    const email = `${randomUUID()}@example.com`;
    const answer = await h.gql(null, REGISTER, { i: { email, password: "a long passphrase", name } });
    expect(answer.errors).toBeUndefined();
    return { ...(answer.data.register.user as { id: string; email: string }), viewer: null as Viewer | null };
  };
  const admin: Viewer = { userId: randomUUID(), roles: ["LEARNER", "ADMIN"] };

  it("registers an account and publishes user.registered with it, in one transaction", async () => {
    const user = await register();
    const rows = await h.db.query<{ type: string; subject: string }>(
      `SELECT type, subject FROM "identity"."OutboxEvent" WHERE subject = $1`,
      [user.id],
    );
    expect(rows).toEqual([{ type: "campus.user.registered.v1", subject: user.id }]);
    // a refused registration (same email) writes neither a user nor an event
    const again = await h.gql(null, REGISTER, { i: { email: user.email, password: "a long passphrase", name: "X" } });
    expect(again.errors?.[0]?.extensions?.code).toBe("CONFLICT");
    const events = await h.db.query(`SELECT 1 FROM "identity"."OutboxEvent" WHERE subject = $1`, [user.id]);
    expect(events).toHaveLength(1);
  });

  it("publishes user.profile_updated once per name change, with the new name, and nothing for the same name", async () => {
    const user = await register("Ada Lovelace");
    const self: Viewer = { userId: user.id, roles: ["LEARNER"] };
    const update = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id name } }`;
    const rename = async (input: Record<string, unknown>) => {
      const answer = await h.gql(self, update, { input });
      expect(answer.errors).toBeUndefined();
      return answer.data.updateProfile.name as string;
    };
    const events = async () =>
      (
        await h.db.query<{ type: string; event: unknown }>(
          `SELECT type, "event" FROM "identity"."OutboxEvent" WHERE subject = $1 ORDER BY seq`,
          [user.id],
        )
      ).map((row) => {
        const event = parseEvent(typeof row.event === "string" ? JSON.parse(row.event) : row.event);
        return { type: event.type, data: event.data };
      });

    expect(await rename({ name: "Ada King" })).toBe("Ada King");
    expect(await events()).toEqual([
      expect.objectContaining({ type: "campus.user.registered.v1" }),
      { type: "campus.user.profile_updated.v1", data: { userId: user.id, name: "Ada King" } },
    ]);

    // the same name (as stored: trimmed), no name, or a refused one: no change, no event
    expect(await rename({ name: "  Ada King " })).toBe("Ada King");
    expect(await rename({})).toBe("Ada King");
    const refused = await h.gql(self, update, { input: { name: " " } });
    expect(refused.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(await events()).toHaveLength(2);

    expect(await rename({ name: "Augusta Ada King" })).toBe("Augusta Ada King");
    expect((await events()).map((event) => event.data)).toEqual([
      expect.objectContaining({ userId: user.id, name: "Ada Lovelace" }),
      { userId: user.id, name: "Ada King" },
      { userId: user.id, name: "Augusta Ada King" },
    ]);
  });

  it("shows a user's email and status to the user and admins only", async () => {
    const user = await register();
    const r = [{ __typename: "User", id: user.id }];
    const own = await h.gql({ userId: user.id, roles: ["LEARNER"] }, USER, { r });
    expect(own.data._entities[0]).toMatchObject({ email: user.email, status: "ACTIVE" });
    expect((await h.gql(admin, USER, { r })).data._entities[0].email).toBe(user.email);
    const stranger = await h.gql({ userId: randomUUID(), roles: ["LEARNER"] }, USER, { r });
    expect(stranger.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(JSON.stringify(stranger.data)).not.toContain(user.email);
  });

  it("keeps a role an admin revoked from coming back by self-service", async () => {
    const user = await register();
    const self: Viewer = { userId: user.id, roles: ["LEARNER"] };
    const become = `mutation { becomeInstructor { roles } }`;
    expect((await h.gql(self, become)).data.becomeInstructor.roles).toContain("INSTRUCTOR");
    const revoke = `mutation($u: ID!) { revokeRole(userId: $u, role: INSTRUCTOR) { roles } }`;
    expect((await h.gql(admin, revoke, { u: user.id })).data.revokeRole.roles).toEqual(["LEARNER"]);
    expect((await h.gql(self, become)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const types = await h.db.query<{ type: string }>(
      `SELECT type FROM "identity"."OutboxEvent" WHERE subject = $1 ORDER BY seq`,
      [user.id],
    );
    expect(types.map((row) => row.type)).toEqual([
      "campus.user.registered.v1",
      "campus.user.role_granted.v1",
      "campus.user.role_revoked.v1",
    ]);
  });

  it("refuses root fields by the subgraph's own permissions, as the router would", async () => {
    const users = await h.gql({ userId: randomUUID(), roles: ["LEARNER"] }, `{ users { totalCount } }`);
    expect(users.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await h.gql(null, `{ me { id } }`)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("publishes its public signing keys, and nothing private", async () => {
    const jwks = (await (await fetch(h.url.replace(/\/graphql$/, "/.well-known/jwks.json"))).json()) as {
      keys: Record<string, unknown>[];
    };
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA" });
      expect(key.d).toBeUndefined();
    }
  });

  it("is not ready while its shared store does not answer (sessions and revocations live there)", async () => {
    const ready = () => fetch(h.url.replace(/\/graphql$/, "/health/ready"));
    expect((await ready()).status).toBe(200);
    const ping = jest.spyOn(h.store, "ping").mockResolvedValue(false);
    try {
      const response = await ready();
      expect(response.status).toBe(503);
      expect(((await response.json()) as { checks: Record<string, boolean> }).checks).toMatchObject({
        database: true,
        store: false,
      });
    } finally {
      ping.mockRestore();
    }
    expect((await ready()).status).toBe(200);
  });
});
