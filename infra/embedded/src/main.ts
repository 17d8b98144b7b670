import { reportStartFailure } from "@campus/config";
import { createLogger } from "@campus/logging";
import { startCampus } from "./campus";
import { demoDataMarker, loadEmbeddedConfig } from "./config";
import { seedDemoData } from "./seed/seed";
import { seedProgressLogger } from "./seed/progress";

/**
 * `pnpm dev`: the whole of Campus on this machine, nothing else to install.
 * Data is kept in DATA_DIR (default .data/ at the repository root), so it
 * survives restarts, sessions included. On first start the demo marketplace
 * is loaded. The last line it prints is where to open Campus.
 */
/** Set by Ctrl-C / SIGTERM: whatever fails after it (the demo data load, cut short) is not an error. */
let stopping = false;
const loading = new AbortController();
/** The demo data load, while it runs: a stop lets it reach its next checkpoint first. */
let seeding: ReturnType<typeof seedDemoData> | undefined;

async function main() {
  const started = Date.now();
  const config = loadEmbeddedConfig();
  const logger = createLogger("campus");
  logger.info({ dataDir: config.dataDir }, "starting Campus");
  const campus = await startCampus({ dataDir: config.dataDir });
  const stop = async () => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info("stopping Campus");
    loading.abort();
    await seeding?.catch(() => undefined);
    await campus.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  if (config.SEED_DEMO_DATA) {
    seeding = seedDemoData(campus, {
      markerFile: demoDataMarker(config.dataDir),
      progress: seedProgressLogger(logger),
      signal: loading.signal,
    });
    const seed = await seeding;
    seeding = undefined;
    if (seed.seeded) logger.info({ courses: seed.courses }, "demo data loaded");
  }
  const root = campus.routerUrl.replace(/\/graphql$/, "");
  logger.info(
    { readyInMs: Date.now() - started, rssMb: Math.round(process.memoryUsage().rss / 1e6) },
    "Campus is ready",
  );
  process.stdout.write(`Campus is ready: ${campus.routerUrl} (Apollo Sandbox; offline explorer at ${root}/explorer)\n`);
}

main().catch((error: unknown) => {
  if (stopping) return;
  reportStartFailure("campus", error, (failure) => createLogger("campus").fatal({ err: failure }, "failed to start"));
});
