import { exportJWK, generateKeyPair, SignJWT, decodeJwt } from "jose";
import {
  backends,
  postToSubgraph,
  registerAdmin,
  registerUser,
  startTestCampus,
  type TestCampus,
  operation,
} from "../support";

const REGISTER = operation("mvp", "Register");
const LOGIN = operation("mvp", "Login");
const REFRESH = operation("mvp", "RefreshTokens");
const LOGOUT = operation("mvp", "Logout");
const BECOME_INSTRUCTOR = operation("mvp", "BecomeInstructor");
const ME = `query Me { me { id email name roles } }`;

describe.each(backends())("identity through the router (%s)", (backend) => {
  let campus: TestCampus;
  beforeAll(async () => {
    campus = await startTestCampus(backend, { RATE_LIMIT_AUTH_PER_MINUTE: "1000", LOGIN_MAX_FAILURES: "3" });
  });
  afterAll(() => campus?.stop());

  it("register → login → refresh → logout, as in mvp.graphql", async () => {
    const email = `Flow.${Date.now()}@Example.com`;
    const registered = await campus.gql(REGISTER, { input: { email, password: "a sturdy passphrase", name: "Flow" } });
    expect(registered.errors).toBeUndefined();
    expect(registered.data.register.user).toMatchObject({ email: email.toLowerCase(), roles: ["LEARNER"] });
    expect(registered.data.register.expiresIn).toBe(900);

    const login = await campus.gql(LOGIN, { email, password: "a sturdy passphrase" });
    expect(login.errors).toBeUndefined();
    const { accessToken, refreshToken } = login.data.login;
    const claims = decodeJwt(accessToken);
    expect(claims).toMatchObject({
      iss: "campus-identity",
      aud: "campus",
      sub: login.data.login.user.id,
      roles: ["LEARNER"],
    });
    expect(claims.jti).toBeDefined();

    const me = await campus.gql(ME, {}, accessToken);
    expect(me.data.me).toMatchObject({ id: login.data.login.user.id, email: email.toLowerCase() });

    const refreshed = await campus.gql(REFRESH, { refreshToken });
    expect(refreshed.errors).toBeUndefined();
    expect(refreshed.data.refreshTokens.refreshToken).not.toBe(refreshToken);

    const logout = await campus.gql(LOGOUT, {}, refreshed.data.refreshTokens.accessToken);
    expect(logout.data).toEqual({ logout: true });
    // the access token is deny-listed and the session is gone
    const after = await campus.gql(ME, {}, refreshed.data.refreshTokens.accessToken);
    expect(after.status).toBe(401);
    expect(after.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const reuse = await campus.gql(REFRESH, { refreshToken: refreshed.data.refreshTokens.refreshToken });
    expect(reuse.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("becomeInstructor, then refresh carries the new role", async () => {
    const user = await registerUser(campus);
    const become = await campus.gql(BECOME_INSTRUCTOR, {}, user.accessToken);
    expect(become.data.becomeInstructor.roles).toEqual(["LEARNER", "INSTRUCTOR"]);
    const refreshed = await campus.gql(REFRESH, { refreshToken: user.refreshToken });
    expect(decodeJwt(refreshed.data.refreshTokens.accessToken).roles).toEqual(["LEARNER", "INSTRUCTOR"]);
  });

  it("duplicate email → CONFLICT; weak password → BAD_USER_INPUT; nothing created", async () => {
    const user = await registerUser(campus);
    const duplicate = await campus.gql(REGISTER, {
      input: { email: user.email.toUpperCase(), password: "another passphrase", name: "X" },
    });
    expect(duplicate.errors?.[0]?.extensions?.code).toBe("CONFLICT");
    const weak = await campus.gql(REGISTER, {
      input: { email: `weak.${Date.now()}@example.com`, password: "short", name: "X" },
    });
    expect(weak.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const login = await campus.gql(LOGIN, { email: `weak.${Date.now()}@example.com`, password: "short" });
    expect(login.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("unknown email and wrong password get the same error; repeated failures are RATE_LIMITED with Retry-After", async () => {
    const user = await registerUser(campus);
    const wrong = await campus.gql(LOGIN, { email: user.email, password: "not the password" });
    const unknown = await campus.gql(LOGIN, {
      email: `nobody.${Date.now()}@example.com`,
      password: "not the password",
    });
    expect(wrong.errors?.[0]?.message).toBe(unknown.errors?.[0]?.message);
    expect(wrong.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    await campus.gql(LOGIN, { email: user.email, password: "not the password" });
    await campus.gql(LOGIN, { email: user.email, password: "not the password" });
    const blocked = await campus.gql(LOGIN, { email: user.email, password: user.password });
    expect(blocked.errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");
    expect(blocked.errors?.[0]?.extensions?.retryAfter).toBeGreaterThan(0);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("refresh-token reuse revokes the whole family", async () => {
    const user = await registerUser(campus);
    const first = await campus.gql(REFRESH, { refreshToken: user.refreshToken });
    expect(first.errors).toBeUndefined();
    const replay = await campus.gql(REFRESH, { refreshToken: user.refreshToken });
    expect(replay.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const legit = await campus.gql(REFRESH, { refreshToken: first.data.refreshTokens.refreshToken });
    expect(legit.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  describe("access tokens stop working with the session or the role they stood for", () => {
    const CHANGE_PASSWORD = `mutation ChangePassword($currentPassword: String!, $newPassword: String!) { changePassword(currentPassword: $currentPassword, newPassword: $newPassword) }`;
    const GRANT = `mutation Grant($userId: ID!, $role: Role!) { grantRole(userId: $userId, role: $role) { roles } }`;
    const REVOKE = `mutation Revoke($userId: ID!, $role: Role!) { revokeRole(userId: $userId, role: $role) { roles } }`;
    const DISABLE = `mutation Disable($userId: ID!) { disableUser(userId: $userId) { status } }`;
    const USERS = `query Users { users(first: 1) { totalCount } }`;
    let admin: Awaited<ReturnType<typeof registerUser>>;
    beforeAll(async () => {
      admin = await registerAdmin(campus);
    });
    const refused = async (token: string) => {
      const result = await campus.gql(ME, {}, token);
      expect(result.status).toBe(401);
      expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    };
    const login = async (user: { email: string; password: string }) =>
      (await campus.gql(LOGIN, { email: user.email, password: user.password })).data.login;

    it("logout ends every access token of the session, not only the one presented", async () => {
      const user = await registerUser(campus);
      const refreshed = (await campus.gql(REFRESH, { refreshToken: user.refreshToken })).data.refreshTokens;
      const other = await login(user);
      expect((await campus.gql(LOGOUT, {}, refreshed.accessToken)).data).toEqual({ logout: true });
      await refused(user.accessToken); // issued earlier in the same session, never presented to logout
      await refused(refreshed.accessToken);
      expect((await campus.gql(ME, {}, other.accessToken)).data.me.id).toBe(user.id); // another login lives on
    });

    it("refresh-token reuse also ends the access tokens of the family", async () => {
      const user = await registerUser(campus);
      const thief = (await campus.gql(REFRESH, { refreshToken: user.refreshToken })).data.refreshTokens;
      expect((await campus.gql(ME, {}, thief.accessToken)).data.me.id).toBe(user.id);
      await campus.gql(REFRESH, { refreshToken: user.refreshToken }); // the victim replays the rotated token
      await refused(thief.accessToken);
      await refused(user.accessToken);
    });

    it("changePassword ends the other sessions' access tokens and keeps the caller's", async () => {
      const user = await registerUser(campus);
      const elsewhere = await login(user);
      const changed = await campus.gql(
        CHANGE_PASSWORD,
        { currentPassword: user.password, newPassword: "a brand new passphrase" },
        user.accessToken,
      );
      expect(changed.data).toEqual({ changePassword: true });
      await refused(elsewhere.accessToken);
      expect((await campus.gql(REFRESH, { refreshToken: elsewhere.refreshToken })).errors?.[0]?.extensions?.code).toBe(
        "UNAUTHENTICATED",
      );
      expect((await campus.gql(ME, {}, user.accessToken)).data.me.id).toBe(user.id);
      expect((await campus.gql(REFRESH, { refreshToken: user.refreshToken })).errors).toBeUndefined();
    });

    it("disableUser ends the user's access tokens at once", async () => {
      const user = await registerUser(campus);
      expect((await campus.gql(ME, {}, user.accessToken)).data.me.id).toBe(user.id);
      const disabled = await campus.gql(DISABLE, { userId: user.id }, admin.accessToken);
      expect(disabled.data.disableUser.status).toBe("DISABLED");
      await refused(user.accessToken);
      expect((await campus.gql(REFRESH, { refreshToken: user.refreshToken })).errors?.[0]?.extensions?.code).toBe(
        "UNAUTHENTICATED",
      );
    });

    it("revokeRole refuses tokens that carry the role; a refresh in the same session carries the roles left", async () => {
      const user = await registerUser(campus);
      expect((await campus.gql(GRANT, { userId: user.id, role: "ADMIN" }, admin.accessToken)).errors).toBeUndefined();
      const elevated = (await campus.gql(REFRESH, { refreshToken: user.refreshToken })).data.refreshTokens;
      expect((await campus.gql(USERS, {}, elevated.accessToken)).data.users.totalCount).toBeGreaterThan(0);

      const revoked = await campus.gql(REVOKE, { userId: user.id, role: "ADMIN" }, admin.accessToken);
      expect(revoked.data.revokeRole.roles).toEqual(["LEARNER"]);
      const stale = await campus.gql(USERS, {}, elevated.accessToken);
      expect(stale.status).toBe(401);
      expect(stale.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

      const renewed = (await campus.gql(REFRESH, { refreshToken: elevated.refreshToken })).data.refreshTokens;
      expect(decodeJwt(renewed.accessToken).roles).toEqual(["LEARNER"]);
      expect((await campus.gql(ME, {}, renewed.accessToken)).data.me.id).toBe(user.id);
      expect((await campus.gql(USERS, {}, renewed.accessToken)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      // the admin who revoked is not affected
      expect((await campus.gql(USERS, {}, admin.accessToken)).errors).toBeUndefined();
    });

    it("a role an admin revoked stays revoked: becomeInstructor is FORBIDDEN until an admin grants it again", async () => {
      const user = await registerUser(campus);
      expect((await campus.gql(BECOME_INSTRUCTOR, {}, user.accessToken)).data.becomeInstructor.roles).toContain(
        "INSTRUCTOR",
      );
      const revoked = await campus.gql(REVOKE, { userId: user.id, role: "INSTRUCTOR" }, admin.accessToken);
      expect(revoked.data.revokeRole.roles).toEqual(["LEARNER"]);
      const fresh = await login(user);
      const again = await campus.gql(BECOME_INSTRUCTOR, {}, fresh.accessToken);
      expect(again.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      expect((await campus.gql(ME, {}, fresh.accessToken)).data.me.roles).toEqual(["LEARNER"]);
      // an admin's grant lifts it, and from then on the user may take it back after losing it on their own
      expect(
        (await campus.gql(GRANT, { userId: user.id, role: "INSTRUCTOR" }, admin.accessToken)).errors,
      ).toBeUndefined();
      expect((await campus.gql(ME, {}, (await login(user)).accessToken)).data.me.roles).toContain("INSTRUCTOR");
    });
  });

  describe("forged tokens are UNAUTHENTICATED (401) and reach no subgraph", () => {
    let user: Awaited<ReturnType<typeof registerUser>>;
    let header: Record<string, unknown>;
    let payload: Record<string, unknown>;
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    beforeAll(async () => {
      user = await registerUser(campus);
      const [h, p] = user.accessToken.split(".");
      header = JSON.parse(Buffer.from(h!, "base64url").toString());
      payload = JSON.parse(Buffer.from(p!, "base64url").toString());
    });
    const expectRejected = async (token: string) => {
      const result = await campus.gql(ME, {}, token);
      expect(result.status).toBe(401);
      expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      expect(result.data?.me).toBeUndefined();
    };

    it("the genuine token works (control)", async () => {
      expect((await campus.gql(ME, {}, user.accessToken)).data.me.id).toBe(user.id);
    });
    it("alg: none", () =>
      expectRejected(`${b64({ alg: "none", typ: "JWT" })}.${b64({ ...payload, roles: ["ADMIN"] })}.`));
    it("HS256 signed with the public key", async () => {
      const jwks = (await (
        await fetch(campus.subgraphUrls.identity.replace("/graphql", "/.well-known/jwks.json"))
      ).json()) as { keys: unknown[] };
      const secret = new TextEncoder().encode(JSON.stringify(jwks.keys[0]));
      const token = await new SignJWT({ ...payload, roles: ["ADMIN"] })
        .setProtectedHeader({ alg: "HS256", kid: header.kid as string })
        .sign(secret);
      await expectRejected(token);
    });
    it("unknown kid / foreign key", async () => {
      const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
      const token = await new SignJWT(payload)
        .setProtectedHeader({ alg: "EdDSA", kid: "attacker-key" })
        .sign(privateKey);
      await expectRejected(token);
      const sameKid = await new SignJWT(payload)
        .setProtectedHeader({ alg: "EdDSA", kid: header.kid as string })
        .sign(privateKey);
      await expectRejected(sameKid);
      expect(await exportJWK(privateKey)).toBeDefined();
    });
    it("expired", async () => {
      const [h, , s] = user.accessToken.split(".");
      await expectRejected(`${h}.${b64({ ...payload, exp: Math.floor(Date.now() / 1000) - 3600 })}.${s}`);
    });
    it("tampered payload", async () => {
      const [h, , s] = user.accessToken.split(".");
      await expectRejected(`${h}.${b64({ ...payload, roles: ["ADMIN"] })}.${s}`);
    });
    it("wrong audience or issuer (tampered claims)", async () => {
      const [h, , s] = user.accessToken.split(".");
      await expectRejected(`${h}.${b64({ ...payload, aud: "elsewhere" })}.${s}`);
      await expectRejected(`${h}.${b64({ ...payload, iss: "someone-else" })}.${s}`);
    });
    it("garbage and a non-Bearer scheme", async () => {
      await expectRejected("not.a.jwt");
      const result = await campus.gql(ME, {}, undefined, { authorization: `Basic ${user.accessToken}` });
      expect(result.status).toBe(401);
    });
  });

  describe("subgraphs cannot be fooled around the router", () => {
    it("forged X-User-Id without a proof is refused with 401", async () => {
      const user = await registerUser(campus);
      const forged = await campus.gqlSubgraph("identity", ME, {}, { "x-user-id": user.id, "x-roles": "ADMIN" });
      expect(forged.status).toBe(401);
      expect(forged.data?.me ?? null).toBeNull();
      expect(forged.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    });
    it("a proof made with the wrong secret is refused with 401", async () => {
      const user = await registerUser(campus);
      const forged = await postToSubgraph(
        campus.subgraphUrls.identity,
        "x".repeat(40),
        {
          userId: user.id,
          roles: ["ADMIN"],
        },
        ME,
      );
      expect(forged.status).toBe(401);
      expect(forged.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    });
    it("the router's own proof works (control)", async () => {
      const user = await registerUser(campus);
      const genuine = await postToSubgraph(
        campus.subgraphUrls.identity,
        campus.internalAuthSecret,
        { userId: user.id, roles: ["LEARNER"] },
        ME,
      );
      expect(genuine.data.me.id).toBe(user.id);
    });
  });

  it("errors carry a code and never a stack trace", async () => {
    const bad = await campus.gql(`query { me { id nonsense } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(JSON.stringify(bad)).not.toMatch(/stacktrace|at .*\.ts/);
  });

  it("query limits: too deep / too many aliases / too large a body", async () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: __typename`).join(" ");
    const manyAliases = await campus.gql(`query { ${aliases} }`);
    expect(manyAliases.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(manyAliases.errors?.[0]?.message).toMatch(/aliases/);
    const huge = await campus.gql(`query { __typename }`, { padding: "x".repeat(200_000) });
    expect(huge.status).toBe(413);
  });
});
