import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import type { SubgraphContext } from "@campus/subgraph";
import type { UserRow } from "../data/identity.prisma";
import type { AccountService } from "../service/account.service";
import type { UserRepository } from "../data/user.repository";
import {
  AuthPayload,
  RegisterInput,
  Role,
  TokenPair,
  UpdateProfileInput,
  User,
  UserConnection,
  UserFilter,
} from "./user.types";

const asUser = (row: UserRow) => row as unknown as User;

/**
 * register/login answer with the user they just signed in; the request itself
 * is still anonymous, so the personal-field rule needs to know who that is.
 */
export type IdentityContext = SubgraphContext & { signedInAs?: string };

function signedIn<T extends { user: { id: string } }>(ctx: IdentityContext, session: T): T {
  ctx.signedInAs = session.user.id;
  return session;
}

@Resolver(() => User)
export class AccountResolver {
  constructor(private readonly accounts: AccountService) {}

  @Mutation(() => AuthPayload, { description: "Creates a LEARNER account and signs it in." })
  async register(@Arg("input", () => RegisterInput) input: RegisterInput, @Ctx() ctx: IdentityContext) {
    return signedIn(ctx, await this.accounts.register(input));
  }

  @Mutation(() => AuthPayload)
  async login(
    @Arg("email", () => String) email: string,
    @Arg("password", () => String) password: string,
    @Ctx() ctx: IdentityContext,
  ) {
    return signedIn(ctx, await this.accounts.login(email, password, ctx.viewer.clientIp));
  }

  @Mutation(() => TokenPair, { description: "Rotates the refresh token; reusing an old one revokes the session." })
  refreshTokens(@Arg("refreshToken", () => String) refreshToken: string) {
    return this.accounts.refresh(refreshToken);
  }

  @Mutation(() => Boolean, { description: "Ends this session and revokes its access token." })
  logout(@Ctx() ctx: SubgraphContext) {
    return this.accounts.logout(ctx.viewer);
  }

  @Mutation(() => Boolean, { description: "Also signs out every other session." })
  changePassword(
    @Arg("currentPassword", () => String) currentPassword: string,
    @Arg("newPassword", () => String) newPassword: string,
    @Ctx() ctx: SubgraphContext,
  ) {
    return this.accounts.changePassword(ctx.viewer, currentPassword, newPassword);
  }

  @Mutation(() => User)
  async updateProfile(@Arg("input", () => UpdateProfileInput) input: UpdateProfileInput, @Ctx() ctx: SubgraphContext) {
    return asUser(await this.accounts.updateProfile(ctx.viewer, input));
  }

  @Mutation(() => User, { description: "Adds INSTRUCTOR; refresh tokens afterwards to carry the new role." })
  async becomeInstructor(@Ctx() ctx: SubgraphContext) {
    return asUser(await this.accounts.becomeInstructor(ctx.viewer));
  }

  @Mutation(() => User)
  async grantRole(
    @Arg("userId", () => ID) userId: string,
    @Arg("role", () => Role) role: Role,
    @Ctx() ctx: SubgraphContext,
  ) {
    return asUser(await this.accounts.grantRole(ctx.viewer, userId, role));
  }

  @Mutation(() => User)
  async revokeRole(
    @Arg("userId", () => ID) userId: string,
    @Arg("role", () => Role) role: Role,
    @Ctx() ctx: SubgraphContext,
  ) {
    return asUser(await this.accounts.revokeRole(ctx.viewer, userId, role));
  }

  @Mutation(() => User, { description: "Blocks sign-in and ends every session of the user." })
  async disableUser(@Arg("userId", () => ID) userId: string, @Ctx() ctx: SubgraphContext) {
    return asUser(await this.accounts.disableUser(ctx.viewer, userId));
  }

  @Query(() => UserConnection, { description: "Admins only." })
  users(
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("filter", () => UserFilter, { nullable: true }) filter: UserFilter | null,
    @Ctx() ctx: SubgraphContext,
  ) {
    return this.accounts.listUsers(ctx.viewer, first, after, filter ?? {});
  }
}

@Resolver(() => User)
export class ViewerResolver {
  constructor(private readonly users: UserRepository) {}

  @Query(() => User, { nullable: true, description: "The signed-in user." })
  async me(@Ctx() ctx: SubgraphContext) {
    return ctx.viewer.userId ? this.users.byId(ctx.loaders, ctx.viewer.userId) : null;
  }

  @Query(() => User, { nullable: true, description: "Admins only." })
  user(@Arg("id", () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return this.users.byId(ctx.loaders, id);
  }
}
