// Prisma CLI config for offline use (see docs/database.md): the JS schema engine
// needs an adapter, but `migrate diff --from-empty --to-schema-datamodel` never
// connects, so the adapter is only built if a command really asks for it.
import { defineConfig } from "prisma/config";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    const { PGlite } = await import("@electric-sql/pglite");
    const { PrismaPGlite } = await import("pglite-prisma-adapter");
    return new PrismaPGlite(new PGlite()) as never;
  },
});
