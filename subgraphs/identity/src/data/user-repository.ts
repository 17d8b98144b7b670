import { byKey, isUuid, type Keyset, type LoaderRegistry } from "@campus/subgraph";
import { Prisma, type IdentityPrisma, type Role, type UserRow, type UserStatus } from "./prisma";

export interface UserFilter {
  role?: Role | null;
  status?: UserStatus | null;
  search?: string | null;
}

export class UserRepository {
  constructor(private readonly prisma: IdentityPrisma) {}

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
  create(data: { email: string; name: string; passwordHash: string; roles?: Role[] }) {
    return this.prisma.user.create({ data });
  }

  update(id: string, data: Prisma.UserUpdateInput) {
    return this.prisma.user.update({ where: { id }, data });
  }

  /** Keyset page in creation order; fetches one extra row to know if more exist. */
  page(filter: UserFilter, take: number, after?: Keyset) {
    const where: Prisma.UserWhereInput = {
      ...(filter.role ? { roles: { has: filter.role } } : {}),
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.search
        ? {
            OR: [
              { email: { contains: filter.search, mode: "insensitive" } },
              { name: { contains: filter.search, mode: "insensitive" } },
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
