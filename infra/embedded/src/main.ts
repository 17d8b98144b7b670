import { startCampus } from "./campus";
import { loadEmbeddedConfig } from "./config";
import { seedDemoData } from "./seed/seed";

/**
 * `pnpm dev`: the whole of Campus on this machine, nothing else to install.
 * Data is kept in DATA_DIR (default .data/ at the repository root), so it
 * survives restarts. On first start the demo marketplace is loaded.
 */
async function main() {
  const started = Date.now();
  const config = loadEmbeddedConfig();
  const campus = await startCampus({ dataDir: config.dataDir });
  const { logger } = campus;
  if (config.SEED_DEMO_DATA) {
    const seed = await seedDemoData(campus);
    if (seed.seeded) logger.info({ courses: seed.courses }, "demo data loaded");
  }
  logger.info(
    { sandbox: campus.routerUrl, readyInMs: Date.now() - started, rssMb: Math.round(process.memoryUsage().rss / 1e6) },
    `Campus is ready: open ${campus.routerUrl} in a browser for Apollo Sandbox`,
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) process.exit(1);
    stopping = true;
    await campus.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error) => {
  // the logger may not exist yet: configuration errors land here
  process.stderr.write(`Campus failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
