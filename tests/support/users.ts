import { operation, type TestUser } from "@campus/testkit";
import type { TestCampus } from "./campus";

let counter = 0;

const REGISTER = operation("mvp", "Register");
const BECOME_INSTRUCTOR = operation("mvp", "BecomeInstructor");
const REFRESH = operation("mvp", "RefreshTokens");

/** Registers a learner through the router, as mvp.graphql does. */
export async function registerUser(campus: Pick<TestCampus, "gql">, name = "Test Learner"): Promise<TestUser> {
  counter += 1;
  const email = `user${counter}.${Date.now()}@example.com`;
  const password = "a sturdy passphrase";
  const result = await campus.gql(REGISTER, { input: { email, password, name } });
  if (result.errors) throw new Error(`register failed: ${JSON.stringify(result.errors)}`);
  const { accessToken, refreshToken, user } = result.data.register;
  return { id: user.id, email, password, accessToken, refreshToken };
}

/** Learner → instructor, then refresh so the token carries the new role (the documented client flow). */
export async function registerInstructor(campus: Pick<TestCampus, "gql">, name = "Test Instructor"): Promise<TestUser> {
  const user = await registerUser(campus, name);
  const become = await campus.gql(BECOME_INSTRUCTOR, {}, user.accessToken);
  if (become.errors) throw new Error(`becomeInstructor failed: ${JSON.stringify(become.errors)}`);
  const refreshed = await campus.gql(REFRESH, { refreshToken: user.refreshToken });
  if (refreshed.errors) throw new Error(`refresh failed: ${JSON.stringify(refreshed.errors)}`);
  return { ...user, ...refreshed.data.refreshTokens };
}

/** An admin: bootstrapped through config-free service call, then signed in through the router. */
export async function registerAdmin(campus: TestCampus): Promise<TestUser> {
  const user = await registerUser(campus, "Test Admin");
  await campus.services.identity.accounts.grantRole(
    { userId: "00000000-0000-0000-0000-000000000000", roles: ["ADMIN"] },
    user.id,
    "ADMIN",
  );
  const login = await campus.gql(
    `mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken refreshToken } }`,
    { email: user.email, password: user.password },
  );
  if (login.errors) throw new Error(`admin login failed: ${JSON.stringify(login.errors)}`);
  return { ...user, ...login.data.login };
}
