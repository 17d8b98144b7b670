import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { openDatabase } from "../database";
import { prismaDir } from "../layout";
import { applyMigrations } from "../migrations";
import { createMigration, isEmptyMigration, migrationSlug, nextTimestamp } from "./migrate-new";

describe("pnpm migrate:new", () => {
  it("names folders the way Prisma does, always after the newest migration", () => {
    expect(migrationSlug("Add course subtitle!")).toBe("add_course_subtitle");
    expect(() => migrationSlug("--")).toThrow("no letters");
    const now = new Date("2026-12-01T10:20:30Z");
    expect(nextTimestamp(["20261122000000_init"], now)).toBe("20261201102030");
    expect(nextTimestamp(["20261122000000_init", "20261201102030_x"], now)).toBe("20261201102031");
    expect(isEmptyMigration("-- This is an empty migration.\n")).toBe(true);
    expect(isEmptyMigration("-- AlterTable\nALTER TABLE x ADD COLUMN y int;\n")).toBe(false);
  });

  it("starts a new subgraph's migrations: the lock file Prisma needs, then the whole schema", async () => {
    const work = mkdtempSync(path.join(tmpdir(), "campus-migrate-new-"));
    const pglite = new PGlite();
    try {
      const migrationsDir = path.join(work, "migrations");
      const schemaPath = path.join(work, "schema.prisma");
      writeFileSync(
        schemaPath,
        [
          `datasource db {\n  provider = "postgresql"\n  url = env("NOTES_DATABASE_URL")\n  schemas = ["notes"]\n}`,
          `model Note {\n  id String @id @db.Uuid\n  text String\n  @@schema("notes")\n}`,
        ].join("\n"),
      );
      expect(existsSync(migrationsDir)).toBe(false);
      const result = await createMigration("notes", "init", { migrationsDir, schemaPath });
      expect(readFileSync(path.join(migrationsDir, "migration_lock.toml"), "utf8")).toContain(
        'provider = "postgresql"',
      );
      expect(result.folder).toMatch(/\/\d{14}_init$/);
      expect(result.sql).toMatch(/CREATE TABLE "notes"\."Note"/);
      const report = await applyMigrations(openDatabase({ schema: "notes", pglite }), migrationsDir);
      expect(report.applied).toEqual([path.basename(result.folder!)]);
    } finally {
      await pglite.close();
      rmSync(work, { recursive: true, force: true });
    }
  });

  it("writes the SQL from the existing migrations to a changed schema.prisma, and it applies", async () => {
    const work = mkdtempSync(path.join(tmpdir(), "campus-migrate-new-"));
    const pglite = new PGlite();
    try {
      const migrationsDir = path.join(work, "migrations");
      cpSync(path.join(prismaDir("catalog"), "migrations"), migrationsDir, { recursive: true });
      const schemaPath = path.join(work, "schema.prisma");
      const schema = readFileSync(path.join(prismaDir("catalog"), "schema.prisma"), "utf8");
      expect(schema).toContain("model Course {");
      writeFileSync(
        schemaPath,
        schema.replace("model Course {", "model Course {\n  subtitle String? @db.VarChar(200)"),
      );

      const before = readdirSync(migrationsDir);
      const result = await createMigration("catalog", "add course subtitle", { migrationsDir, schemaPath });
      expect(result.folder).toMatch(/\/\d{14}_add_course_subtitle$/);
      expect(readdirSync(migrationsDir).filter((name) => !before.includes(name))).toHaveLength(1);
      expect(result.sql).toMatch(/ALTER TABLE "catalog"\."Course" ADD COLUMN\s+"subtitle" VARCHAR\(200\)/);

      const report = await applyMigrations(openDatabase({ schema: "catalog", pglite }), migrationsDir);
      expect(report.applied.at(-1)).toBe(path.basename(result.folder!));
      const columns = await pglite.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = 'catalog' AND table_name = 'Course'`,
      );
      expect(columns.rows.map((row) => row.column_name)).toContain("subtitle");
    } finally {
      await pglite.close();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
