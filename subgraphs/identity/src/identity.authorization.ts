import {
  ADMIN_ONLY,
  EVERYONE,
  OWNER_OR_ADMIN,
  SIGNED_IN,
  expectThat,
  operation,
  unique,
  type MatrixHelpers,
  type SubgraphAuthorization,
} from "@campus/testkit";

/** A partner created by the admin for a case that changes it. */
async function freshPartner(h: MatrixHelpers): Promise<string> {
  const { createPartner } = await h.call("admin", operation("partners", "CreatePartner"), {
    input: { name: unique("Matrix partner"), contactEmail: "matrix@example.com", scopes: ["CATALOG_READ"] },
  });
  return createPartner.partner.id;
}

/**
 * What every role must get from identity's root fields and its personal-field
 * rules, called through the router by tests/e2e/authorization-matrix.test.ts.
 * Where a call destroys or changes its own fixture (logout, changePassword,
 * disableUser…), each call gets a fresh one.
 * Operations of schema/operations/mvp.graphql are used as written there.
 */

export const authorization: SubgraphAuthorization = {
  roots: {
    "Query.me": {
      allowed: SIGNED_IN,
      query: operation("mvp", "Me"),
      check: (data, role, _call, h) =>
        expectThat(data.me?.id === h.f.users[role as "learner"].id, "me is not the caller"),
    },
    "Query.users": {
      allowed: ADMIN_ONLY,
      query: `query($first: Int) { users(first: $first) { totalCount edges { node { id email status roles } } } }`,
      prepare: async () => ({ variables: { first: 5 } }),
      check: (data) => expectThat(data.users.totalCount >= 4, "users not listed"),
    },
    "Query.user": {
      allowed: ADMIN_ONLY,
      query: `query($id: ID!) { user(id: $id) { id email status roles } }`,
      prepare: async (_role, h) => ({ variables: { id: h.f.users.learner.id } }),
      check: (data, _role, _call, h) =>
        expectThat(data.user?.email === h.f.users.learner.email, "user not returned with personal fields"),
    },
    "Mutation.register": {
      allowed: EVERYONE,
      query: operation("mvp", "Register"),
      prepare: async () => ({
        variables: {
          input: {
            email: `${unique("matrix").replace(" ", ".")}@example.com`,
            password: "a sturdy passphrase",
            name: "M",
          },
        },
      }),
      check: (data) => expectThat(data.register.user.roles.join() === "LEARNER", "not a learner account"),
    },
    "Mutation.login": {
      allowed: EVERYONE,
      query: operation("mvp", "Login"),
      prepare: async (role, h) => {
        const user = role === "anonymous" ? h.f.users.learner : h.f.users[role];
        return { variables: { email: user.email, password: user.password } };
      },
      check: (data, role, _call, h) =>
        expectThat(
          data.login.user.id === (role === "anonymous" ? h.f.users.learner : h.f.users[role]).id,
          "signed in someone else",
        ),
    },
    "Mutation.refreshTokens": {
      allowed: EVERYONE,
      query: operation("mvp", "RefreshTokens"),
      prepare: async (role, h) => ({ variables: { refreshToken: (await h.freshSession(role)).refreshToken } }),
      check: (data, _role, call) =>
        expectThat(data.refreshTokens.refreshToken !== call.variables!.refreshToken, "not rotated"),
    },
    "Mutation.logout": {
      allowed: SIGNED_IN,
      query: operation("mvp", "Logout"),
      prepare: async (role, h) => (role === "anonymous" ? {} : { as: await h.freshSession(role) }),
      check: (data) => expectThat(data.logout === true, "logout did not answer true"),
    },
    "Mutation.changePassword": {
      allowed: SIGNED_IN,
      query: `mutation($current: String!, $next: String!) { changePassword(currentPassword: $current, newPassword: $next) }`,
      prepare: async (role, h) => {
        const user = (await h.freshUser(role)) ?? (await h.freshUser("learner"))!;
        return {
          variables: { current: user.password, next: "another sturdy passphrase" },
          ...(role === "anonymous" ? {} : { as: user }),
        };
      },
      check: (data) => expectThat(data.changePassword === true, "changePassword did not answer true"),
    },
    "Mutation.updateProfile": {
      allowed: SIGNED_IN,
      query: `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id name } }`,
      prepare: async () => ({ variables: { input: { name: unique("Renamed") } } }),
      check: (data, role, call, h) =>
        expectThat(
          data.updateProfile.id === h.f.users[role as "learner"].id &&
            data.updateProfile.name === (call.variables!.input as { name: string }).name,
          "profile of someone else or unchanged",
        ),
    },
    "Mutation.becomeInstructor": {
      allowed: SIGNED_IN,
      query: operation("mvp", "BecomeInstructor"),
      prepare: async (role, h) => (role === "anonymous" ? {} : { as: await h.freshUser(role) }),
      check: (data) => expectThat(data.becomeInstructor.roles.includes("INSTRUCTOR"), "no INSTRUCTOR role"),
    },
    "Mutation.grantRole": {
      allowed: ADMIN_ONLY,
      query: `mutation($userId: ID!, $role: Role!) { grantRole(userId: $userId, role: $role) { id roles } }`,
      prepare: async (_role, h) => ({ variables: { userId: (await h.freshUser("learner"))!.id, role: "ADMIN" } }),
      check: (data) => expectThat(data.grantRole.roles.includes("ADMIN"), "role not granted"),
    },
    "Mutation.revokeRole": {
      allowed: ADMIN_ONLY,
      query: `mutation($userId: ID!, $role: Role!) { revokeRole(userId: $userId, role: $role) { id roles } }`,
      prepare: async (_role, h) => ({
        variables: { userId: (await h.freshUser("instructor"))!.id, role: "INSTRUCTOR" },
      }),
      check: (data) => expectThat(!data.revokeRole.roles.includes("INSTRUCTOR"), "role not revoked"),
    },
    "Mutation.disableUser": {
      allowed: ADMIN_ONLY,
      query: `mutation($userId: ID!) { disableUser(userId: $userId) { id status } }`,
      prepare: async (_role, h) => ({ variables: { userId: (await h.freshUser("learner"))!.id } }),
      check: (data) => expectThat(data.disableUser.status === "DISABLED", "not disabled"),
    },
    "Query.partners": {
      allowed: ADMIN_ONLY,
      query: operation("partners", "Partners"),
      prepare: async (_role, h) => {
        await freshPartner(h);
        return {};
      },
      check: (data) => expectThat(data.partners.length >= 1, "partners not listed"),
    },
    "Mutation.createPartner": {
      allowed: ADMIN_ONLY,
      query: operation("partners", "CreatePartner"),
      prepare: async () => ({
        variables: {
          input: { name: unique("Partner"), contactEmail: "p@example.com", scopes: ["CATALOG_READ", "SEARCH_READ"] },
        },
      }),
      check: (data) => expectThat(data.createPartner.apiKey.startsWith("cmp_live_"), "no key handed out"),
    },
    "Mutation.rotatePartnerKey": {
      allowed: ADMIN_ONLY,
      query: operation("partners", "RotatePartnerKey"),
      prepare: async (_role, h) => ({ variables: { partnerId: await freshPartner(h) } }),
      check: (data) =>
        expectThat(data.rotatePartnerKey.apiKey.startsWith(data.rotatePartnerKey.partner.keyPrefix), "not the new key"),
    },
    "Mutation.suspendPartner": {
      allowed: ADMIN_ONLY,
      query: operation("partners", "SuspendPartner"),
      prepare: async (_role, h) => ({ variables: { partnerId: await freshPartner(h) } }),
      check: (data) => expectThat(data.suspendPartner.status === "SUSPENDED", "not suspended"),
    },
    "Mutation.publishPartnerOperations": {
      allowed: ADMIN_ONLY,
      query: operation("partners", "PublishPartnerOperations"),
      prepare: async (_role, h) => ({
        variables: {
          partnerId: await freshPartner(h),
          manifest: JSON.stringify({ format: "apollo-persisted-query-manifest", version: 1, operations: [] }),
        },
      }),
      check: (data) => expectThat(data.publishPartnerOperations.partner.operationCount === 0, "list not replaced"),
    },
  },
  resources: {
    "User.email (the instructor's)": {
      allowed: OWNER_OR_ADMIN,
      query: `query($id: ID!) { course(id: $id) { id instructor { id email } } }`,
      prepare: async (_role, h) => ({ variables: { id: h.f.published.id } }),
      check: (data, _role, _call, h) =>
        expectThat(data.course.instructor.email === h.f.users.instructor.email, "email"),
    },
    "User.status (the instructor's)": {
      allowed: OWNER_OR_ADMIN,
      query: `query($id: ID!) { course(id: $id) { id instructor { id status } } }`,
      prepare: async (_role, h) => ({ variables: { id: h.f.published.id } }),
      check: (data) => expectThat(data.course.instructor.status === "ACTIVE", "status"),
    },
  },
};
