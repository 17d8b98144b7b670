import { byKey, isUuid, keysetAfter, type Keyset, type LoaderRegistry } from "@campus/subgraph";
import type { IdentityPrisma, IdentityTx, Prisma, Role, UserRow, UserStatus } from "./identity.prisma";

export interface UserFilter {
  role?: Role | null;
  status?: UserStatus | null;
  search?: string | null;
}

/**
 * Prisma's `contains` becomes ILIKE with the text as it is, so `%` and `_`
 * would match anything; escaped, a search finds the characters typed.
 */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, "\\$&");

/** Users: reads, and the statements AccountService runs inside its unit of work. */
export class UserRepository {
  constructor(private readonly prisma: IdentityPrisma) {}

  /** The user's row, locked until commit so role changes take turns. */
  async locked(tx: IdentityTx, id: string): Promise<UserRow | null> {
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
  create(
    tx: IdentityTx,
    data: { email: string; name: string; passwordHash: string; roles?: Role[] },
  ): Promise<UserRow> {
    return tx.user.create({ data });
  }

  /** Password changes: nobody outside identity listens to those. */
  update(id: string, data: Pick<Prisma.UserUpdateInput, "passwordHash">): Promise<UserRow> {
    return this.prisma.user.update({ where: { id }, data });
  }

  /** A name change, in the unit of work with its `user.profile_updated` event. */
  rename(tx: IdentityTx, id: string, name: string): Promise<UserRow> {
    return tx.user.update({ where: { id }, data: { name } });
  }

  setRoles(tx: IdentityTx, id: string, data: { roles: Role[]; revokedRoles: Role[] }): Promise<UserRow> {
    return tx.user.update({ where: { id }, data });
  }

  disable(tx: IdentityTx, id: string): Promise<UserRow> {
    return tx.user.update({ where: { id }, data: { status: "DISABLED" } });
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
    const keyset: Prisma.UserWhereInput | undefined = after ? keysetAfter("createdAt", after, "asc") : undefined;
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
