import { commandLine, reportStartFailure } from "@campus/config";
import { createLogger } from "@campus/logging";
import { startCampus } from "../campus";
import { demoDataMarker, loadEmbeddedConfig } from "../config";
import { seedProgressLogger } from "./progress";
import { DEMO_PASSWORD, seedDemoData } from "./seed";

const args = commandLine({
  usage: "pnpm seed [--force]",
  description: [
    "Loads the demo marketplace (accounts, 60 courses, enrollments) into the databases Campus is configured",
    "for: the PGlite under DATA_DIR by default (stop `pnpm dev` first: PGlite is single-process), or the",
    "*_DATABASE_URL databases. Resumes an interrupted load; does nothing once the data is complete.",
    "Refused when NODE_ENV=production unless --force, and then DEMO_PASSWORD must be set.",
  ].join("\n"),
  options: { force: { type: "boolean" } },
  help: { force: "load demo data even when NODE_ENV=production (demo accounts get DEMO_PASSWORD)" },
});

async function main() {
  const config = loadEmbeddedConfig({ ...process.env, SEED_DEMO_DATA: undefined });
  const logger = createLogger("seed");
  const production = config.NODE_ENV === "production";
  if (production && !args.values.force) {
    throw new Error(
      "NODE_ENV=production: demo data and its default passwords stay out of production (--force to load them anyway)",
    );
  }
  if (production && (!config.DEMO_PASSWORD || config.DEMO_PASSWORD === DEMO_PASSWORD)) {
    throw new Error("--force into a production database needs DEMO_PASSWORD set to a password of your own");
  }
  const campus = await startCampus({
    dataDir: config.dataDir,
    ports: "free",
  });
  try {
    const result = await seedDemoData(campus, {
      password: config.DEMO_PASSWORD,
      markerFile: demoDataMarker(config.dataDir),
      progress: seedProgressLogger(logger),
    });
    logger.info(result, result.seeded ? "demo data loaded" : "demo data already complete; nothing to do");
  } finally {
    await campus.stop();
  }
}

main().catch((error: unknown) => reportStartFailure("seed", error));
