import { viewerIsAdmin, type Viewer } from "@campus/auth";
import { badInput, conflict, forbidden, notFound, rateLimited, unauthenticated } from "@campus/errors";
import type { SharedStore } from "@campus/kv";
import type { Logger } from "@campus/logging";
import { decodeCursor, pageSize, readableText, toConnection } from "@campus/subgraph";
import {
  userDisabled,
  userPasswordChanged,
  userProfileUpdated,
  userRegistered,
  userRoleGranted,
  userRoleRevoked,
  type UnitOfWork,
} from "@campus/events";
import { isUniqueViolation, type IdentityTx, type Role, type UserRow } from "../data/identity.prisma";
import type { UserFilter, UserRepository } from "../data/user.repository";
import { profileFacts, userFacts } from "../events/user.publisher";
import type { AccessTokenIssuer } from "./access-token.issuer";
import { assertPasswordPolicy, hashPassword, timingDummyHash, verifyPassword } from "./passwords";
import type { AccessTokenRevocation } from "@campus/auth";
import type { RefreshSessions } from "./refresh-session.repository";

export interface Session {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: UserRow;
}

export interface LoginThrottle {
  maxFailures: number;
  windowMs: number;
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

function assertEmail(email: string) {
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) {
    throw badInput("Email address is not valid", { field: "email" });
  }
}

const assertName = (name: string) => readableText(name, { field: "name", min: 1, max: 100 });

export class AccountService {
  constructor(
    private readonly users: UserRepository,
    /** Account changes other subgraphs hear about commit together with their event. */
    private readonly work: UnitOfWork<IdentityTx>,
    private readonly tokens: AccessTokenIssuer,
    private readonly sessions: RefreshSessions,
    private readonly revocation: AccessTokenRevocation,
    private readonly store: SharedStore,
    private readonly throttle: LoginThrottle,
    private readonly logger: Logger,
  ) {}

  private async openSession(user: UserRow): Promise<Session> {
    const { refreshToken, sessionId } = await this.sessions.start(user.id);
    const issued = await this.issueAccessToken(user.id, sessionId);
    return { accessToken: issued.accessToken, refreshToken, expiresIn: this.tokens.ttlSeconds, user: issued.user };
  }

  /**
   * The stamp is read before the account, so a role revoked in between gives
   * a token the router refuses (and the client refreshes), never a token that
   * carries the new stamp with the old roles.
   */
  private async issueAccessToken(userId: string, sessionId: string) {
    const securityStamp = await this.revocation.securityStamp(userId);
    const user = await this.users.findById(userId);
    if (!user || user.status !== "ACTIVE") {
      await this.sessions.revokeSession(userId, sessionId);
      throw unauthenticated("Account is not active");
    }
    const accessToken = await this.tokens.issue({ userId, roles: user.roles, sessionId, securityStamp });
    return { accessToken, user };
  }

  /** Long enough to outlive every access token issued before now, whatever the router's clock tolerance. */
  private get stampLifetimeMs() {
    return (this.tokens.ttlSeconds + 300) * 1000;
  }

  async register(input: { email: string; password: string; name: string }): Promise<Session> {
    const email = normaliseEmail(input.email);
    assertEmail(email);
    const name = assertName(input.name);
    assertPasswordPolicy(input.password, email);
    try {
      const passwordHash = await hashPassword(input.password);
      const user = await this.createUser({ email, name, passwordHash });
      this.logger.info({ userId: user.id }, "user registered");
      return await this.openSession(user);
    } catch (error) {
      // Same words whatever else is true of the account: nothing more to learn here.
      if (isUniqueViolation(error)) throw conflict("An account with this email already exists");
      throw error;
    }
  }

  async login(rawEmail: string, password: string, clientIp = "unknown"): Promise<Session> {
    const email = normaliseEmail(rawEmail);
    const failures = `login-failures:${email}:${clientIp}`;
    const window = { windowMs: this.throttle.windowMs, limit: this.throttle.maxFailures };
    const before = await this.store.slidingWindow(failures, { ...window, record: false });
    if (!before.allowed) throw rateLimited(Math.ceil(before.retryAfterMs / 1000));

    const user = await this.users.findByEmail(email);
    const valid = await verifyPassword(user?.passwordHash ?? (await timingDummyHash()), password);
    if (!user || !valid || user.status !== "ACTIVE") {
      await this.store.slidingWindow(failures, { ...window, record: true });
      this.logger.info({ userId: user?.id }, "login failed");
      throw unauthenticated("Email or password is incorrect");
    }
    return this.openSession(user);
  }

  async refresh(refreshToken: string) {
    const rotated = await this.sessions.rotate(refreshToken);
    const { accessToken } = await this.issueAccessToken(rotated.userId, rotated.sessionId);
    return { accessToken, refreshToken: rotated.refreshToken, expiresIn: this.tokens.ttlSeconds };
  }

  async logout(viewer: Viewer): Promise<boolean> {
    const userId = this.requireUser(viewer);
    if (viewer.sessionId) await this.sessions.revokeSession(userId, viewer.sessionId);
    if (viewer.tokenId && viewer.tokenExpiresAt) await this.revocation.denyToken(viewer.tokenId, viewer.tokenExpiresAt);
    return true;
  }

  async changePassword(viewer: Viewer, currentPassword: string, newPassword: string): Promise<boolean> {
    const user = await this.requireActiveUser(viewer);
    if (!(await verifyPassword(user.passwordHash, currentPassword))) {
      throw badInput("Current password is incorrect", { field: "currentPassword" });
    }
    assertPasswordPolicy(newPassword, user.email);
    const passwordHash = await hashPassword(newPassword);
    // the new hash commits with its event, so the user is told of every change (docs/notifications.md)
    await this.work.run(async (tx, emit) => {
      await this.users.locked(tx, user.id);
      await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
      emit(userPasswordChanged, user.id, { userId: user.id });
    });
    await this.sessions.revokeAll(user.id, viewer.sessionId);
    return true;
  }

  /**
   * A new name commits with its `user.profile_updated` event; the name the
   * user already has (compared on the locked row) changes nothing and says nothing.
   */
  async updateProfile(viewer: Viewer, input: { name?: string | null }): Promise<UserRow> {
    const user = await this.requireActiveUser(viewer);
    if (input.name === undefined || input.name === null) return user;
    const name = assertName(input.name);
    return this.mustExist(
      await this.work.run(async (tx, emit) => {
        const locked = await this.users.locked(tx, user.id);
        if (!locked || locked.name === name) return locked;
        const renamed = await this.users.rename(tx, user.id, name);
        emit(userProfileUpdated, user.id, profileFacts(renamed));
        return renamed;
      }),
    );
  }

  /** Self-service, unless an admin took the role away: then only an admin gives it back. */
  async becomeInstructor(viewer: Viewer): Promise<UserRow> {
    const user = await this.requireActiveUser(viewer);
    if (user.revokedRoles.includes("INSTRUCTOR")) {
      throw forbidden("An admin revoked your INSTRUCTOR role; only an admin can grant it again");
    }
    return this.addRole(user, "INSTRUCTOR");
  }

  async grantRole(viewer: Viewer, userId: string, role: Role): Promise<UserRow> {
    this.requireAdmin(viewer);
    const user = await this.existing(userId);
    return this.mustExist(await this.changeRoles(user.id, role, "grant", { byAdmin: true }));
  }

  async revokeRole(viewer: Viewer, userId: string, role: Role): Promise<UserRow> {
    this.requireAdmin(viewer);
    if (role === "LEARNER") throw badInput("Every user keeps the LEARNER role");
    if (role === "ADMIN" && userId === viewer.userId) throw conflict("Admins cannot revoke their own ADMIN role");
    const user = await this.existing(userId);
    const updated = this.mustExist(await this.changeRoles(user.id, role, "revoke", { byAdmin: true }));
    // after the write, and even when the role was already gone, so a retry finishes what a failure left
    await this.revocation.renewSecurityStamp(user.id, this.stampLifetimeMs);
    return updated;
  }

  async disableUser(viewer: Viewer, userId: string): Promise<UserRow> {
    this.requireAdmin(viewer);
    if (userId === viewer.userId) throw conflict("Admins cannot disable themselves");
    const user = await this.existing(userId);
    const disabled = this.mustExist(
      await this.work.run(async (tx, emit) => {
        const locked = await this.users.locked(tx, user.id);
        if (!locked || locked.status === "DISABLED") return locked;
        const changed = await this.users.disable(tx, user.id);
        emit(userDisabled, user.id, { userId: user.id });
        return changed;
      }),
    );
    await this.sessions.revokeAll(user.id);
    return disabled;
  }

  async listUsers(
    viewer: Viewer,
    first: number | null | undefined,
    after: string | null | undefined,
    filter: UserFilter,
  ) {
    this.requireAdmin(viewer);
    const size = pageSize(first);
    const [rows, totalCount] = await this.users.page(filter, size, decodeCursor(after));
    return { ...toConnection(rows, size, (row) => ({ at: row.createdAt, id: row.id })), totalCount };
  }

  /** For tools that create accounts idempotently (the demo seed). */
  findByEmail(email: string): Promise<UserRow | null> {
    return this.users.findByEmail(normaliseEmail(email));
  }

  /** The first admin comes from config, so a fresh install can be administered. */
  async ensureAdmin(email: string | undefined, password: string | undefined): Promise<void> {
    if (!email || !password) return;
    const normalised = normaliseEmail(email);
    const existing = await this.users.findByEmail(normalised);
    if (existing) {
      if (!existing.roles.includes("ADMIN")) await this.addRole(existing, "ADMIN");
      return;
    }
    assertPasswordPolicy(password, normalised);
    await this.createUser({
      email: normalised,
      name: "Administrator",
      passwordHash: await hashPassword(password),
      roles: ["LEARNER", "ADMIN"],
    }).catch((error) => {
      if (!isUniqueViolation(error)) throw error; // another replica won the race
    });
    this.logger.info({ email: normalised }, "bootstrap admin created");
  }

  private async addRole(user: UserRow, role: Role): Promise<UserRow> {
    if (user.roles.includes(role)) return user;
    return this.mustExist(await this.changeRoles(user.id, role, "grant", { byAdmin: false }));
  }

  private createUser(data: { email: string; name: string; passwordHash: string; roles?: Role[] }): Promise<UserRow> {
    return this.work.run(async (tx, emit) => {
      const user = await this.users.create(tx, data);
      emit(userRegistered, user.id, userFacts(user));
      return user;
    });
  }

  /**
   * Grants or revokes a role on the locked row, with its event. A revocation
   * by an admin is remembered (`revokedRoles`) so the user cannot take the role
   * back themself (becomeInstructor); an admin's grant lifts it again.
   */
  private changeRoles(id: string, role: Role, change: "grant" | "revoke", by: { byAdmin: boolean }) {
    return this.work.run(async (tx, emit) => {
      const user = await this.users.locked(tx, id);
      if (!user) return null;
      const has = user.roles.includes(role);
      const remembered = user.revokedRoles.includes(role);
      if (change === "grant") {
        const lifts = by.byAdmin && remembered;
        if (has && !lifts) return user;
        const roles = has ? user.roles : [...user.roles, role];
        const updated = await this.users.setRoles(tx, id, {
          roles,
          revokedRoles: lifts ? user.revokedRoles.filter((r) => r !== role) : user.revokedRoles,
        });
        if (!has) emit(userRoleGranted, id, { userId: id, role, roles: updated.roles });
        return updated;
      }
      const revokedRoles = remembered || !by.byAdmin ? user.revokedRoles : [...user.revokedRoles, role];
      if (!has && revokedRoles === user.revokedRoles) return user;
      const updated = await this.users.setRoles(tx, id, { roles: user.roles.filter((r) => r !== role), revokedRoles });
      if (has) emit(userRoleRevoked, id, { userId: id, role, roles: updated.roles });
      return updated;
    });
  }

  /** A user found a moment ago cannot vanish (users are never deleted); if one did, say so. */
  private mustExist(user: UserRow | null): UserRow {
    if (!user) throw notFound("User");
    return user;
  }

  private requireUser(viewer: Viewer): string {
    if (!viewer.userId) throw unauthenticated();
    return viewer.userId;
  }

  private requireAdmin(viewer: Viewer) {
    this.requireUser(viewer);
    if (!viewerIsAdmin(viewer)) throw forbidden();
  }

  private async requireActiveUser(viewer: Viewer): Promise<UserRow> {
    const user = await this.users.findById(this.requireUser(viewer));
    if (!user || user.status !== "ACTIVE") throw unauthenticated("Account is not active");
    return user;
  }

  private async existing(userId: string): Promise<UserRow> {
    const user = await this.users.findById(userId).catch(() => null);
    if (!user) throw notFound("User");
    return user;
  }
}
