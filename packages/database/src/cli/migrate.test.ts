import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { readMigrations } from "../migrations";
import { migrationsDir } from "../layout";
import { databaseUrlVariable, discoverSubgraphs, migrateAll, redactUrl } from "./migrate";

describe("pnpm migrate", () => {
  it("finds the subgraphs in prisma/ (schema.prisma + migrations/)", () => {
    expect(discoverSubgraphs()).toEqual(expect.arrayContaining(["catalog", "enrollment", "identity"]));
    expect(databaseUrlVariable("identity")).toBe("IDENTITY_DATABASE_URL");
    expect(redactUrl("postgresql://campus:secret@db:5432/campus_identity")).toBe(
      "postgresql://campus:***@db:5432/campus_identity",
    );
  });

  it("applies every subgraph's migrations to a fresh PGlite; a second run applies nothing", async () => {
    const pglite = new PGlite();
    try {
      const subgraphs = discoverSubgraphs();
      const first = await migrateAll({ pglite, env: {} });
      expect(first.map((result) => result.subgraph)).toEqual(subgraphs);
      for (const result of first) {
        expect(result.error).toBeUndefined();
        expect(result.applied).toEqual(readMigrations(migrationsDir(result.subgraph)).map((m) => m.name));
        expect(result.applied.length).toBeGreaterThan(0);
        expect(result.alreadyApplied).toEqual([]);
      }
      const second = await migrateAll({ pglite, env: {} });
      for (const result of second) {
        expect(result.error).toBeUndefined();
        expect(result.applied).toEqual([]);
        expect(result.alreadyApplied).toEqual(first.find((r) => r.subgraph === result.subgraph)!.applied);
      }
      // Recorded the way `prisma migrate deploy` does, in each subgraph's own schema.
      const rows = await pglite.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM identity._prisma_migrations WHERE finished_at IS NOT NULL`,
      );
      expect(rows.rows[0]!.n).toBe(first.find((r) => r.subgraph === "identity")!.applied.length);
    } finally {
      await pglite.close();
    }
  });

  it("opens <DATA_DIR>/pglite when no database URL is set, and keeps the data there", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "campus-migrate-"));
    try {
      const first = await migrateAll({ env: { DATA_DIR: dataDir }, subgraphs: ["catalog"] });
      expect(first[0]!.target).toContain(path.join(dataDir, "pglite"));
      expect(first[0]!.applied.length).toBeGreaterThan(0);
      const second = await migrateAll({ env: { DATA_DIR: dataDir }, subgraphs: ["catalog"] });
      expect(second[0]!.applied).toEqual([]);
      expect(second[0]!.alreadyApplied).toEqual(first[0]!.applied);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("reports a failing subgraph without stopping the others, and leaves nothing half-applied", async () => {
    const subgraphsRoot = mkdtempSync(path.join(tmpdir(), "campus-subgraphs-"));
    const migration = (subgraph: string, name: string, sql: string) => {
      mkdirSync(path.join(subgraphsRoot, subgraph, "prisma", "migrations", name), { recursive: true });
      writeFileSync(path.join(subgraphsRoot, subgraph, "prisma", "schema.prisma"), "");
      writeFileSync(path.join(subgraphsRoot, subgraph, "prisma", "migrations", name, "migration.sql"), sql);
    };
    migration("alpha", "20260101000000_init", `CREATE TABLE "alpha"."a" (id int);`);
    migration("alpha", "20260102000000_broken", `CREATE TABLE "alpha"."b" (id int); SELECT * FROM "alpha"."missing";`);
    migration("beta", "20260101000000_init", `CREATE TABLE "beta"."b" (id int);`);
    mkdirSync(path.join(subgraphsRoot, "not-a-subgraph"));
    const pglite = new PGlite();
    try {
      expect(discoverSubgraphs(subgraphsRoot)).toEqual(["alpha", "beta"]);
      const results = await migrateAll({ pglite, subgraphsRoot, env: {} });
      expect(results[0]).toMatchObject({ subgraph: "alpha", applied: [], error: expect.stringContaining("missing") });
      expect(results[1]).toMatchObject({ subgraph: "beta", applied: ["20260101000000_init"] });
      expect(results[1]!.error).toBeUndefined();
      const tables = await pglite.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'alpha'`,
      );
      expect(tables.rows.map((row) => row.table_name)).not.toContain("a");
    } finally {
      await pglite.close();
      rmSync(subgraphsRoot, { recursive: true, force: true });
    }
  });

  const postgresUrl = process.env.TEST_POSTGRES_URL;
  if (!postgresUrl)
    process.stdout.write("[migrate cli] TEST_POSTGRES_URL is not set; PostgreSQL case skipped (CI sets it)\n");
  (postgresUrl ? it : it.skip)("uses <SUBGRAPH>_DATABASE_URL when set (TEST_POSTGRES_URL)", async () => {
    const name = `campus_migrate_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const url = new URL(postgresUrl!);
      url.pathname = `/${name}`;
      const env = Object.fromEntries(discoverSubgraphs().map((s) => [databaseUrlVariable(s), url.toString()]));
      const first = await migrateAll({ env });
      expect(first.every((result) => !result.error && result.applied.length > 0)).toBe(true);
      expect(first[0]!.target).toMatch(/^PostgreSQL /);
      const second = await migrateAll({ env });
      expect(second.every((result) => !result.error && result.applied.length === 0)).toBe(true);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
