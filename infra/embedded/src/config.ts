import path from "node:path";
import { booleanFlag, commonEnv, ConfigError, loadConfig, z } from "@campus/config";
import { REPO_ROOT } from "@campus/database";

/** What `pnpm dev` and `pnpm seed` read themselves; each service validates its own settings. */
export const embeddedConfigSchema = z.object({
  NODE_ENV: commonEnv.NODE_ENV,
  DATA_DIR: commonEnv.DATA_DIR,
  /** Load the demo marketplace on first start; off by default when NODE_ENV=production, and refused there. */
  SEED_DEMO_DATA: booleanFlag(true),
  /** Password of the demo accounts; `pnpm seed --force` into a production database needs one of your own. */
  DEMO_PASSWORD: z.string().min(10, "must be at least 10 characters").optional(),
});

export function loadEmbeddedConfig(env: Record<string, string | undefined> = process.env) {
  const config = loadConfig(embeddedConfigSchema, env);
  const production = config.NODE_ENV === "production";
  if (production && env.SEED_DEMO_DATA && config.SEED_DEMO_DATA) {
    throw new ConfigError([
      {
        variable: "SEED_DEMO_DATA",
        message: "demo data is never loaded when NODE_ENV=production (pnpm seed --force does it on purpose)",
      },
    ]);
  }
  return {
    ...config,
    SEED_DEMO_DATA: production ? false : config.SEED_DEMO_DATA,
    dataDir: path.resolve(REPO_ROOT, config.DATA_DIR),
  };
}

/** Where the embedded runtime notes that the demo data is complete (beside the database it describes). */
export const demoDataMarker = (dataDir: string) => path.join(dataDir, "demo-data.json");
