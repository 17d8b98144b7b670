import { startCampus } from "../campus";
import { loadEmbeddedConfig } from "../config";
import { seedDemoData } from "./seed";

/** `pnpm seed`: loads the demo data into the embedded data directory (stop `pnpm dev` first: PGlite is single-process). */
async function main() {
  const campus = await startCampus({
    dataDir: loadEmbeddedConfig().dataDir,
    ports: { router: 0, identity: 0, catalog: 0, enrollment: 0 },
  });
  const result = await seedDemoData(campus);
  campus.logger.info(result, result.seeded ? "demo data loaded" : "data already present; nothing to do");
  await campus.stop();
}

main().catch((error) => {
  process.stderr.write(`seed failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
