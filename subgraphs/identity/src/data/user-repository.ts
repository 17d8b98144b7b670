import { TRANSACTION_OPTIONS } from "@campus/database";
import {
  prismaSql,
  userDisabled,
  userRegistered,
  userRoleGranted,
  userRoleRevoked,
  type Emit,
  type Outbox,
} from "@campus/events";
import { byKey, isUuid, type Keyset, type LoaderRegistry } from "@campus/subgraph";
import { Prisma, type IdentityPrisma, type Role, type UserRow, type UserStatus } from "./prisma";

export interface UserFilter {
  role?: Role | null;
  status?: UserStatus | null;
  search?: string | null;
}

type Tx = Prisma.TransactionClient;

/**
 * Prisma's `contains` becomes ILIKE with the text as it is, so `%` and `_`
 * would match anything; escaped, a search finds the characters typed.
 */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, "\\$&");

/**
 * Users, and the events their changes publish: each write that other
 * subgraphs care about commits together with its event in the outbox.
 */
export class UserRepository {
  constructor(
    private readonly prisma: IdentityPrisma,
    private readonly outbox: Outbox,
  ) {}

  private write<T>(work: (tx: Tx, emit: Emit) => Promise<T>): Promise<T> {
    return this.outbox.transaction<Tx, T>(
      (inTx) => this.prisma.$transaction(inTx, TRANSACTION_OPTIONS),
      prismaSql,
      work,
    );
  }

  /** The user's row, locked until commit so role changes take turns. */
  private async locked(tx: Tx, id: string): Promise<UserRow | null> {
    await tx.$queryRaw`SELECT 1 FROM "identity"."User" WHERE "id" = ${id}::uuid FOR UPDATE`;
    return tx.user.findUnique({ where: { id } });
  }

  byId(loaders: LoaderRegistry, id: string): Promise<UserRow | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return loaders
      .get<string, UserRow | null>("user:byId", async (ids) =>
        byKey(ids, await this.prisma.user.findMany({ where: { id: { in: [...ids] } } }), (row) => row.id),
      )
      .load(id);
  }

  findById(id: string) {
    if (!isUuid(id)) return Promise.resolve(null);
    return this.prisma.user.findUnique({ where: { id } });
  }

  findByEmail(email: string) {
    return this.prisma.user.findUnique({ where: { email } });
  }

  /** Throws Prisma P2002 on a duplicate email; the service maps it to CONFLICT. */
  create(data: { email: string; name: string; passwordHash: string; roles?: Role[] }): Promise<UserRow> {
    return this.write(async (tx, emit) => {
      const user = await tx.user.create({ data });
      emit(userRegistered, user.id, { userId: user.id, email: user.email, name: user.name, roles: user.roles });
      return user;
    });
  }

  /** Profile and password changes: nobody outside identity listens to those. */
  update(id: string, data: Pick<Prisma.UserUpdateInput, "name" | "passwordHash">): Promise<UserRow> {
    return this.prisma.user.update({ where: { id }, data });
  }

  /**
   * Adds the role. An admin's grant also lifts an earlier revocation of it
   * (`revokedRoles`), which is what lets the user take it back themself.
   */
  grantRole(id: string, role: Role, options: { byAdmin: boolean } = { byAdmin: false }): Promise<UserRow | null> {
    return this.write(async (tx, emit) => {
      const user = await this.locked(tx, id);
      if (!user) return user;
      const lifts = options.byAdmin && user.revokedRoles.includes(role);
      if (user.roles.includes(role) && !lifts) return user;
      const updated = await tx.user.update({
        where: { id },
        data: {
          roles: user.roles.includes(role) ? user.roles : [...user.roles, role],
          revokedRoles: user.revokedRoles.filter((r) => r !== role),
        },
      });
      if (!user.roles.includes(role)) emit(userRoleGranted, id, { userId: id, role, roles: updated.roles });
      return updated;
    });
  }

  /** Removes the role and remembers that an admin did, so the user cannot simply take it back. */
  revokeRole(id: string, role: Role): Promise<UserRow | null> {
    return this.write(async (tx, emit) => {
      const user = await this.locked(tx, id);
      if (!user) return user;
      const revokedRoles = user.revokedRoles.includes(role) ? user.revokedRoles : [...user.revokedRoles, role];
      if (!user.roles.includes(role)) {
        return revokedRoles === user.revokedRoles ? user : tx.user.update({ where: { id }, data: { revokedRoles } });
      }
      const updated = await tx.user.update({
        where: { id },
        data: { roles: user.roles.filter((r) => r !== role), revokedRoles },
      });
      emit(userRoleRevoked, id, { userId: id, role, roles: updated.roles });
      return updated;
    });
  }

  disable(id: string): Promise<UserRow | null> {
    return this.write(async (tx, emit) => {
      const user = await this.locked(tx, id);
      if (!user || user.status === "DISABLED") return user;
      const disabled = await tx.user.update({ where: { id }, data: { status: "DISABLED" } });
      emit(userDisabled, id, { userId: id });
      return disabled;
    });
  }

  /** Keyset page in creation order; fetches one extra row to know if more exist. */
  page(filter: UserFilter, take: number, after?: Keyset) {
    const where: Prisma.UserWhereInput = {
      ...(filter.role ? { roles: { has: filter.role } } : {}),
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.search
        ? {
            OR: [
              { email: { contains: likeLiteral(filter.search), mode: "insensitive" } },
              { name: { contains: likeLiteral(filter.search), mode: "insensitive" } },
            ],
          }
        : {}),
    };
    const keyset: Prisma.UserWhereInput | undefined = after
      ? { OR: [{ createdAt: { gt: after.at } }, { createdAt: after.at, id: { gt: after.id } }] }
      : undefined;
    return Promise.all([
      this.prisma.user.findMany({
        where: keyset ? { AND: [where, keyset] } : where,
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        take: take + 1,
      }),
      this.prisma.user.count({ where }),
    ]);
  }
}

export { isUniqueViolation } from "@campus/database";
