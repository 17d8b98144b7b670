// Prisma CLI config for `pnpm migrate:new` (see docs/database.md): lets
// `prisma migrate diff --from-migrations … --to-schema-datamodel …` run offline
// with the JS schema engine. The engine replays the existing migrations on a
// shadow database (an in-memory PGlite here) and sends each migration as ONE
// parameterless executeRaw; PGlite runs executeRaw as a prepared statement,
// which refuses several commands ("cannot insert multiple commands into a
// prepared statement"). So parameterless statements go through PGlite's exec,
// which takes a whole script. Everything else is the stock pglite adapter.
import type { PGlite } from "@electric-sql/pglite";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { defineConfig } from "prisma/config";

async function scriptFriendly(pglite: PGlite): Promise<SqlDriverAdapter> {
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  const adapter = (await new PrismaPGlite(pglite).connect()) as unknown as SqlDriverAdapter;
  return new Proxy(adapter, {
    get(target, property) {
      if (property === "executeRaw") {
        return async (query: { sql: string; args: unknown[] }) => {
          if (query.args.length > 0) return target.executeRaw(query as never);
          await pglite.exec(query.sql);
          return 0;
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    const { PGlite } = await import("@electric-sql/pglite");
    const factory: SqlMigrationAwareDriverAdapterFactory = {
      provider: "postgres",
      adapterName: "@campus/pglite-migrate-diff",
      // Only the shadow database is really used by --from-migrations/--to-schema-datamodel.
      connect: async () => scriptFriendly(new PGlite()),
      connectToShadowDb: async () => scriptFriendly(new PGlite()),
    };
    return factory as never;
  },
});
