import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { commandLine, commonEnv, loadConfig, optionalUrlSetting, z } from "@campus/config";
import { openDatabase, REPO_ROOT, startEmbeddedPostgres, type PGlite } from "@campus/database";
import { PrismaClient } from "../data/identity.prisma";

/**
 * `pnpm partners:manifests <dir>`: writes every partner's published safelist
 * into `<dir>/<partner id>.json`, in Apollo's persisted query manifest format,
 * so `pnpm schema:check --manifests <dir>` judges a schema change against what
 * partners really run (docs/api-lifecycle.md). Reads identity's database
 * (IDENTITY_DATABASE_URL, else the PGlite under DATA_DIR: stop `pnpm dev` first).
 */
const args = commandLine({
  usage: "pnpm partners:manifests <dir>",
  description:
    "Writes each partner's published operations as an Apollo persisted query manifest, one file per partner,\n" +
    "for `pnpm schema:check --manifests <dir>`. Reads IDENTITY_DATABASE_URL (or the embedded PGlite).",
  options: {},
  help: {},
  positionals: true,
});

const settings = z.object({ ...commonEnv, IDENTITY_DATABASE_URL: optionalUrlSetting });

async function main() {
  const [dir] = args.positionals;
  if (!dir) throw new Error("name the directory to write the manifests to");
  const config = loadConfig(settings);
  let pglite: PGlite | undefined;
  if (!config.IDENTITY_DATABASE_URL) {
    pglite = await startEmbeddedPostgres(path.resolve(REPO_ROOT, config.DATA_DIR, "pglite"));
  }
  const db = openDatabase({ schema: "identity", url: config.IDENTITY_DATABASE_URL, pglite, poolSize: 1 });
  const prisma = new PrismaClient({ adapter: db.adapter });
  try {
    const partners = await prisma.partner.findMany({
      include: { operations: { orderBy: { name: "asc" } } },
      orderBy: { createdAt: "asc" },
    });
    mkdirSync(dir, { recursive: true });
    let written = 0;
    for (const partner of partners) {
      if (partner.operations.length === 0) continue;
      const operations = partner.operations.map(({ id, name, type, body }) => ({ id, name, type, body }));
      const manifest = { format: "apollo-persisted-query-manifest", version: 1, operations };
      writeFileSync(path.join(dir, `${partner.id}.json`), `${JSON.stringify(manifest, null, 2)}\n`);
      written += 1;
    }
    process.stdout.write(`${written} partner manifests written to ${dir}\n`);
  } finally {
    await prisma.$disconnect();
    await db.close();
    await pglite?.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`partners:manifests failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
