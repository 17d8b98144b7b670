import path from "node:path";
import { booleanFlag, commonEnv, loadConfig, z } from "@campus/config";
import { REPO_ROOT } from "@campus/database";

/** What `pnpm dev` and `pnpm seed` read themselves; each service validates its own settings. */
export const embeddedConfigSchema = z.object({
  DATA_DIR: commonEnv.DATA_DIR,
  SEED_DEMO_DATA: booleanFlag(true),
});

export function loadEmbeddedConfig(env: Record<string, string | undefined> = process.env) {
  const config = loadConfig(embeddedConfigSchema, env);
  return { ...config, dataDir: path.resolve(REPO_ROOT, config.DATA_DIR) };
}
